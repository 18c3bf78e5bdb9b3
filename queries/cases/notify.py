"""The webhooks of the policy (``[cases.webhooks.<name>]``) as a notifier (:mod:`orggraph.cases.webhooks`),
signed with ``ORGGRAPH_WEBHOOK_SECRET``."""

from __future__ import annotations

from orggraph.cases.webhooks import Target, WebhookNotifier
from orggraph.settings import Settings
from queries.policy import Policy


def notifier_of(policy: Policy, settings: Settings) -> WebhookNotifier | None:
    """A notifier for the policy's webhooks, or ``None`` when it has none."""
    hooks = policy.cases.webhooks
    if not hooks:
        return None
    secret = settings.webhook_secret.get_secret_value().encode() if settings.webhook_secret is not None else None
    targets = [Target(name, hook.url, hook.hears) for name, hook in sorted(hooks.items())]
    return WebhookNotifier(targets, secret=secret)
