"""The production settings with bench/floor_urls.py as the URLconf (benchmarks only)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "floor_urls"
