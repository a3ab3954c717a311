"""The configuration's documented entry at the top of the checkout.

The settings live in the package (``assess/config.py``) so that an installed ``assess``
carries them; this module re-exports them for ``from config import ...`` in a checkout.
Every setting, its environment variable and its default: ``assess/config.py`` and
``docs/deployment.md``.
"""

from assess.config import (
    CONFIGS,
    Config,
    ConfigError,
    DevelopmentConfig,
    ProductionConfig,
    TestingConfig,
    config_class,
    database_url,
    proxy_count,
)

__all__ = [
    "CONFIGS",
    "Config",
    "ConfigError",
    "DevelopmentConfig",
    "ProductionConfig",
    "TestingConfig",
    "config_class",
    "database_url",
    "proxy_count",
]
