"""Trading signals: indicators, components, their track record and the learned composite."""
from core.signals.indicators import indicators

__all__ = ["indicators"]
