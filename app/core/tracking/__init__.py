"""What recipients do after a send: signed links in messages (`signing`)."""
