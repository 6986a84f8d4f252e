"""What recipients control themselves: signed preference and unsubscribe `links`, their
`choices` (the preferences page, one-click unsubscribe), and the `list_headers` that put
one-click unsubscribe into every marketing email."""
