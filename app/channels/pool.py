"""One instance per provider per worker process, reused across batches."""

import logging

from app.channels.base import Message, Provider, ProviderError, SendResult, TransientError
from app.channels.registry import provider_class

log = logging.getLogger(__name__)


class ProviderPool:
    def __init__(self, config):
        self.config = config
        self._providers: dict[str, Provider] = {}

    def get(self, name: str) -> Provider:
        if name not in self._providers:
            self._providers[name] = provider_class(name)(self.config)
        return self._providers[name]

    def send(self, name: str, messages: list[Message]) -> list[SendResult]:
        """Send in chunks of the provider's batch size; a crash fails the chunk transiently."""
        provider = self.get(name)
        results: list[SendResult] = []
        for start in range(0, len(messages), provider.max_batch):
            chunk = messages[start : start + provider.max_batch]
            try:
                results += provider.send_batch(chunk)
            except ProviderError as exc:
                results += [SendResult(m.id, error=exc) for m in chunk]
            except Exception as exc:  # a provider bug must not strand the rows
                log.exception("provider %s crashed on a batch of %d", name, len(chunk))
                error = TransientError(f"{name} crashed: {exc!r}", code="provider_crash")
                results += [SendResult(m.id, error=error) for m in chunk]
        return results

    def close(self) -> None:
        for provider in self._providers.values():
            provider.close()
        self._providers.clear()
