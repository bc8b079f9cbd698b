"""The demo city (淮河市) that `make run` loads: see ../shared/domain/DEMO.md. Deterministic
and idempotent; each domain adds its part to `gonghui.core.demo.PARTS`."""
