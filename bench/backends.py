"""A gateway for the benchmarks' servers, which run outside demo mode as production does: it sends
nothing and keeps nothing."""


class Discard:
    def send(self, *, recipient: str, text: str) -> None:
        pass
