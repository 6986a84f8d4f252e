"""Provider settings stored from the console: sealed with Fernet keys, laid over the
environment's settings (the environment wins), announced to workers through Redis."""
