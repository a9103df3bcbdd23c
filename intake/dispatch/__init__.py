"""Delivery of outbox events to the operator's dispatch systems and to channels' webhook endpoints.

See docs/dispatch.md. Public entry points: `services` (sending, sweep, endpoints), `payloads` (registry).
"""
