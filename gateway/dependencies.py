"""Gateway dependency providers: settings and the rate limiter, built once."""
from nameko.extensions import DependencyProvider

from gateway.http import Settings
from gateway.ratelimit import RateLimiter, parse_overrides


class SettingsProvider(DependencyProvider):
    def setup(self):
        self.settings = Settings(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.settings


class LimiterProvider(DependencyProvider):
    def setup(self):
        self.limiter = RateLimiter(parse_overrides(Settings(self.container.config).rate_limits))

    def get_dependency(self, worker_ctx):
        return self.limiter
