"""Times as the law writes them; the functions are the kernel's (`kernel.clock`), named
here too because signatures and stamps are where they are printed."""

from kernel.clock import iso_vietnam_time, vietnam_time, vietnamese_date

__all__ = ["iso_vietnam_time", "vietnam_time", "vietnamese_date"]
