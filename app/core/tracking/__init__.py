"""What recipients do after a send: signed tokens (`signing`, `tokens`), links found and
swapped at send time (`links`, `outgoing`), hits taken into Redis (`hits`), told human or
machine (`machines`) and stored by the events worker (`drain`), and events apps report
(`app_events`)."""
