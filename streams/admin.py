"""Admin API of a worker: read and change live settings (``/v1/config*``).

==========  ===========================  ==================================================
method      path                         notes
==========  ===========================  ==================================================
GET         /v1/config                   version, live, shadow, breaker, allow-list (no auth)
PUT         /v1/config                   ``{"values": {...}, "reason": "...", "changed_by"}``
GET         /v1/config/history           ``?limit=N`` (default 100) — auth
PUT         /v1/config/shadow            ``{"values": {...}, "reason"?, "changed_by"}``
POST        /v1/config/promote           ``{"reason"?, "changed_by"}``
POST        /v1/config/discard           ``{"reason"?, "changed_by"}``
POST        /v1/config/confirm-surge     ``{"reason"?, "changed_by"}``
GET         /v1/config/diff              ``?window=SECONDS`` (default 3600; no auth)
==========  ===========================  ==================================================

Every write and the history need ``Authorization: Bearer <token>``
(``BREAKWATER_ADMIN_TOKEN`` or ``BREAKWATER_ADMIN_TOKEN_FILE``), compared in
constant time. Status codes: 200 done (``"unchanged": true`` when nothing would
change); 400 invalid body, unknown setting or value out of range (``error`` gives
the reason); 401 missing or wrong token; 409 the action does not apply (nothing to
promote, breaker not tripped, lost races); 501 no shadow report / no breaker in
this worker; 503 no admin token configured, control state not loaded yet, or Kafka
trouble. Rejections (401/503-without-token → ``unauthorized``, 400 → ``invalid``)
are counted in ``breakwater_config_rejections_total`` and logged without the token;
a rejected change is written nowhere.

With ``admin_port`` (``BREAKWATER_ADMIN_PORT``, 0 = off) the routes are served by a
separate server bound to ``web_host`` on that port, and *not* on the web port.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import inspect
import logging
import math
from typing import Any, Callable, Optional

import orjson

from detectors.config import SETTINGS
from streams.control import (
    HISTORY_MAX, ConflictError, ControlState, ControlWriter, PublishError,
)

log = logging.getLogger("breakwater.admin")

PREFIX = "/v1/config"
#: route -> {method: (handler name, needs auth)}
ROUTES = {
    "": {"GET": ("get_config", False), "PUT": ("put_config", True)},
    "/history": {"GET": ("get_history", True)},
    "/shadow": {"PUT": ("put_shadow", True)},
    "/promote": {"POST": ("promote", True)},
    "/discard": {"POST": ("discard", True)},
    "/confirm-surge": {"POST": ("confirm_surge", True)},
    "/diff": {"GET": ("diff", False)},
}
MAX_BODY = 64 * 1024
MAX_WINDOW = 30 * 24 * 3600


class AdminAPI:
    """Framework-free handlers: ``await api.handle(method, route, headers, query, body)``.

    Returns ``(status, json_object, extra_headers)``. Both the Faust views and the
    separate admin server are thin adapters around it.
    """

    def __init__(self, settings, state: ControlState, writer: ControlWriter, *,
                 metrics=None, shadow_report: Optional[Callable[[float], Any]] = None,
                 breaker: Optional[Callable[[], Optional[dict]]] = None,
                 ready: Optional[Callable[[], bool]] = None):
        self.s = settings
        self.state = state
        self.writer = writer
        self.m = metrics
        self.shadow_report = shadow_report
        self.breaker = breaker
        self.ready = ready or (lambda: getattr(writer.reader, "ready", True))
        self._token_digest = (hashlib.sha256(settings.admin_token.encode()).digest()
                              if settings.admin_token else None)

    # ------------------------------------------------------------------ dispatch
    async def handle(self, method: str, route: str, headers, query, body: bytes,
                     remote: str = "?") -> tuple[int, dict, dict]:
        methods = ROUTES.get(route)
        if methods is None:
            return 404, {"error": f"no such path {PREFIX}{route}"}, {}
        if method == "HEAD" and "GET" in methods:
            method = "GET"
        if method not in methods:
            return 405, {"error": f"{method} not allowed on {PREFIX}{route}; use "
                                  f"{', '.join(sorted(methods))}"}, {"Allow": ", ".join(sorted(methods))}
        name, needs_auth = methods[method]
        ctx = {"method": method, "path": PREFIX + route, "remote": remote}
        if needs_auth:
            denied = self._auth(headers, ctx)
            if denied is not None:
                return denied
        if len(body or b"") > MAX_BODY:
            return self._reject(400, "invalid", f"request body larger than {MAX_BODY} bytes", ctx)
        try:
            return await getattr(self, name)(query, body or b"", ctx)
        except ValueError as exc:
            return self._reject(400, "invalid", str(exc), ctx)
        except ConflictError as exc:
            return 409, {"error": str(exc)}, {}
        except PublishError as exc:
            log.error("config change not confirmed: %s", exc)
            return 503, {"error": str(exc)}, {}

    def _auth(self, headers, ctx) -> Optional[tuple[int, dict, dict]]:
        if self._token_digest is None:
            return self._reject(503, "unauthorized",
                                "the admin API is disabled: no admin token is configured "
                                "(set BREAKWATER_ADMIN_TOKEN or BREAKWATER_ADMIN_TOKEN_FILE)", ctx)
        raw = headers.get("Authorization") or headers.get("authorization") or ""
        scheme, _, token = raw.strip().partition(" ")
        token = token.strip()
        ok = scheme.lower() == "bearer" and bool(token) and hmac.compare_digest(
            hashlib.sha256(token.encode("utf-8", "surrogateescape")).digest(), self._token_digest)
        if not ok:
            why = "missing bearer token" if not raw else "wrong or malformed bearer token"
            return self._reject(401, "unauthorized", why, ctx, {"WWW-Authenticate": "Bearer"})
        return None

    def _reject(self, status: int, reason: str, message: str, ctx: dict,
                headers: Optional[dict] = None) -> tuple[int, dict, dict]:
        if self.m is not None:
            self.m.config_rejections.labels(reason).inc()
        # never log the Authorization header or the body: they may hold the token
        log.warning("rejected %s %s from %s (%s, by %s): %s", ctx["method"], ctx["path"],
                    ctx["remote"], reason, ctx.get("changed_by", "?"), message)
        return status, {"error": message, "rejected": reason}, headers or {}

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _body(body: bytes, ctx: dict, need_values: bool) -> dict:
        if not body.strip():
            data = {}
        else:
            try:
                data = orjson.loads(body)
            except orjson.JSONDecodeError as exc:
                raise ValueError(f"request body is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ValueError("request body must be a JSON object")
        unknown = set(data) - {"values", "reason", "changed_by"}
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(sorted(unknown))}; "
                             "expected values, reason, changed_by")
        by = data.get("changed_by")
        if not isinstance(by, str) or not by.strip() or len(by) > 200:
            raise ValueError("'changed_by' (who makes the change) is required")
        ctx["changed_by"] = by
        reason = data.get("reason")
        if reason is not None and (not isinstance(reason, str) or len(reason) > 2000):
            raise ValueError("'reason' must be a string of at most 2000 characters")
        if need_values:
            values = data.get("values")
            if not isinstance(values, dict) or not values:
                raise ValueError("'values' must be a non-empty object of setting name -> value")
        return data

    def _not_ready(self) -> Optional[tuple[int, dict, dict]]:
        if not self.ready():
            return 503, {"error": "control state not loaded yet; retry in a few seconds"}, {}
        return None

    def _breaker_status(self) -> Optional[dict]:
        if self.breaker is None:
            return None
        try:
            return self.breaker()
        except Exception:  # noqa: BLE001
            log.exception("breaker status failed")
            return None

    # ------------------------------------------------------------------ handlers
    async def get_config(self, query, body, ctx):
        out = self.state.snapshot()
        out["ready"] = bool(self.ready())
        out["breaker"] = self._breaker_status()
        out["settings"] = {n: s.as_dict() for n, s in SETTINGS.items()}
        return 200, out, {}

    async def put_config(self, query, body, ctx):
        data = self._body(body, ctx, need_values=True)
        if not (data.get("reason") or "").strip():
            raise ValueError("'reason' is required for a live change (why, ticket, incident)")
        return self._done(await self._change("set", data, ctx))

    async def put_shadow(self, query, body, ctx):
        data = self._body(body, ctx, need_values=True)
        return self._done(await self._change("shadow", data, ctx))

    async def promote(self, query, body, ctx):
        data = self._body(body, ctx, need_values=False)
        return self._done(await self._change("promote", data, ctx))

    async def discard(self, query, body, ctx):
        data = self._body(body, ctx, need_values=False)
        return self._done(await self._change("discard", data, ctx))

    async def confirm_surge(self, query, body, ctx):
        data = self._body(body, ctx, need_values=False)
        if self.breaker is None:
            return 501, {"error": "this worker runs no circuit breaker"}, {}
        st = self._breaker_status() or {}
        if not st.get("open", st.get("tripped")):
            raise ConflictError("the circuit breaker is not open: there is no degraded surge to confirm")
        at = st.get("last_ts")
        if at is None:
            raise ConflictError("the circuit breaker has seen no events yet")
        return self._done(await self._change("confirm-surge", data, ctx, at=at))

    async def _change(self, action: str, data: dict, ctx: dict, at: Optional[float] = None):
        busy = self._not_ready()
        if busy is not None:
            return busy
        res = await self.writer.change(action, data.get("values"), changed_by=data["changed_by"],
                                       reason=data.get("reason"), at=at)
        log.info("config %s v%s by %s: %s (%s)", action, res["version"], data["changed_by"],
                 ", ".join(f"{c['mode']}:{c['name']}={c['value']}" for c in res["changed"]) or "no change",
                 data.get("reason") or "no reason given")
        return res

    @staticmethod
    def _done(res):
        if isinstance(res, tuple):
            return res
        return 200, res, {}

    async def get_history(self, query, body, ctx):
        try:
            limit = int(query.get("limit", 100))
        except (TypeError, ValueError):
            raise ValueError("limit must be an integer") from None
        if not 1 <= limit <= HISTORY_MAX:
            raise ValueError(f"limit must be between 1 and {HISTORY_MAX}")
        return 200, {"version": self.state.version, "history": self.state.history(limit)}, {}

    async def diff(self, query, body, ctx):
        if self.shadow_report is None:
            return 501, {"error": "this worker has no shadow report"}, {}
        try:
            window = float(query.get("window", 3600))
        except (TypeError, ValueError):
            raise ValueError("window must be a number of seconds") from None
        if not math.isfinite(window) or not 0 < window <= MAX_WINDOW:
            raise ValueError(f"window must be between 0 and {MAX_WINDOW} seconds")
        report = self.shadow_report(window)
        if inspect.isawaitable(report):
            report = await report
        return 200, {"window_seconds": window, "shadow": dict(self.state.shadow) or None,
                     "live_version": self.state.live_version,
                     "shadow_version": self.state.shadow_version, "report": report}, {}


# --------------------------------------------------------------------------- adapters

def install_admin_views(app, settings, state: ControlState, writer: ControlWriter,
                        shadow_report: Optional[Callable[[float], Any]] = None, *,
                        metrics=None, breaker: Optional[Callable[[], Optional[dict]]] = None,
                        admin_port: Optional[int] = None) -> AdminAPI:
    """Serve ``/v1/config*`` for this worker.

    On the Faust web server (``@app.page``), or — when ``admin_port`` (default
    ``settings.admin_port`` if that field exists) is non-zero — on a separate
    aiohttp server bound to ``settings.web_host:admin_port`` started as an app task.
    ``breaker`` returns :meth:`CircuitBreaker.status` (or None); ``shadow_report``
    takes a window in seconds and returns a dict (may be async).
    """
    api = AdminAPI(settings, state, writer, metrics=metrics, shadow_report=shadow_report,
                   breaker=breaker)
    port = getattr(settings, "admin_port", 0) if admin_port is None else admin_port
    if port:
        _serve_separately(app, api, settings.web_host, int(port))
        return api

    import faust

    def make_view(route: str):
        class ConfigView(faust.web.View):
            async def _any(self, request, method):
                body = await request.read() if method in ("PUT", "POST") else b""
                status, obj, hdrs = await api.handle(method, route, request.headers,
                                                     request.query, body, request.remote or "?")
                return self.json(obj, status=status, headers=hdrs or None)

            async def get(self, request):
                return await self._any(request, "GET")

            async def put(self, request):
                return await self._any(request, "PUT")

            async def post(self, request):
                return await self._any(request, "POST")

            async def delete(self, request):
                return await self._any(request, "DELETE")

        ConfigView.__name__ = ConfigView.__qualname__ = \
            "Config" + route.strip("/").replace("-", "_").title().replace("_", "") + "View"
        return ConfigView

    for route in ROUTES:
        app.page(PREFIX + route)(make_view(route))
    return api


def _serve_separately(app, api: AdminAPI, host: str, port: int) -> None:
    from aiohttp import web

    async def handler(request):
        route = request.path[len(PREFIX):] if request.path.startswith(PREFIX) else None
        if route is None:
            return web.json_response({"error": f"only {PREFIX}* is served here"}, status=404)
        body = await request.read() if request.method in ("PUT", "POST") else b""
        status, obj, hdrs = await api.handle(request.method, route.rstrip("/") if route != "/" else "",
                                             request.headers, request.query, body,
                                             request.remote or "?")
        return web.Response(body=orjson.dumps(obj), status=status, headers=hdrs,
                            content_type="application/json")

    async def admin_server():
        web_app = web.Application(client_max_size=MAX_BODY + 1024)
        web_app.router.add_route("*", "/{tail:.*}", handler)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        log.info("admin API on http://%s:%d%s", host, port, PREFIX)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    app.task(admin_server)


def install_control(app, settings, metrics=None, *,
                    shadow_report: Optional[Callable[[float], Any]] = None,
                    breaker: Optional[Callable[[], Optional[dict]]] = None,
                    admin_port: Optional[int] = None):
    """Everything live settings need in one call from ``create_app``.

    Creates the :class:`ControlState`, a :class:`ControlReader` run as an app task
    and a :class:`ControlWriter` (stopped with that task), and serves the admin
    API. Returns ``(state, reader, writer)``: gate the detect loop on
    ``await reader.wait_ready()`` and register ``state.add_listener(...)``.
    """
    from streams.control import ControlReader

    state = ControlState()
    reader = ControlReader(settings, state, metrics=metrics)
    writer = ControlWriter(settings, state, reader)

    async def control_reader():
        try:
            await reader.run()
        finally:
            await writer.stop()

    app.task(control_reader)
    install_admin_views(app, settings, state, writer, shadow_report, metrics=metrics,
                        breaker=breaker, admin_port=admin_port)
    return state, reader, writer
