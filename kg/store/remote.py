"""HTTP for ``kg push``: one request at a time, each bounded in time, retried when safe.

Three things urllib does not give a push:

- a real deadline. A socket timeout bounds each read, so a server that sends one
  byte a second never trips it; here a watchdog shuts the socket down when the
  request's time (``timeout``) or the whole push's (``deadline``) runs out.
- retries with backoff, only for requests that are safe to repeat (the caller
  says which: GET, HEAD, PUT, and a POST that adds ground triples).
- credentials sent once: Basic goes with every request up front; for Digest a
  body-less HEAD collects the challenge before the first upload to a path, so a
  chunk is not sent once to be refused and again to be accepted.
"""

import base64
import hashlib
import http.client
import secrets
import socket
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message

from kg.errors import EndpointError

AUTH_SCHEMES = ("basic", "digest")
LOOPBACK = {"localhost", "127.0.0.1", "::1"}
RETRY_STATUSES = {408, 429, 502, 503, 504}  # the server says "not now", not "never"
_MAX_BODY = 1 << 20  # answers kg reads are small: a count, an error page


class _Transient(Exception):
    """A failure a repeat may cure (no connection, a reset, a timeout, HTTP 503)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    headers: Message
    body: bytes


def _snippet(body: bytes, n: int = 300) -> str:
    return " ".join(body[:n].decode("utf-8", "replace").split())


def digest_challenge(headers: Message) -> dict[str, str] | None:
    """The parameters of the ``WWW-Authenticate: Digest ...`` challenge, if there is one."""
    for value in headers.get_all("WWW-Authenticate") or []:
        scheme, _, rest = value.strip().partition(" ")
        if scheme.lower() == "digest":
            return urllib.request.parse_keqv_list([x for x in urllib.request.parse_http_list(rest) if x])
    return None


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Client:
    """Requests to one store, sharing credentials, a deadline and Digest nonces.

    ``timeout`` bounds each request from connecting to the last byte of the
    answer; ``deadline`` (seconds from now, or None) bounds everything, retries
    and backoff included. A request marked ``retry`` is tried ``retries`` more
    times after a transient failure, waiting ``backoff``, then twice as long, ...
    """

    def __init__(self, user: str | None = None, password: str | None = None, auth: str = "basic",
                 timeout: float = 120, deadline: float | None = None, retries: int = 3,
                 backoff: float = 0.5) -> None:
        if auth not in AUTH_SCHEMES:
            raise EndpointError(f"unknown auth scheme {auth!r}; expected one of: {', '.join(AUTH_SCHEMES)}")
        for name, value in (("timeout", timeout), ("deadline", deadline)):
            if value is not None and not value > 0:
                raise EndpointError(f"bad {name} {value}; expected a number of seconds > 0")
        if retries < 0:
            raise EndpointError(f"bad number of retries {retries}; expected a number >= 0")
        self.user, self.password, self.auth = user, password or "", auth
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.ends = None if deadline is None else time.monotonic() + deadline
        self._challenges: dict[str, dict[str, str]] = {}  # URL without query -> Digest challenge
        self._preflighted: set[str] = set()
        self._counts: dict[str, int] = {}  # Digest nonce -> requests made with it

    # ------------------------------------------------------------ public

    def request(self, method: str, url: str, body: bytes | None = None,
                headers: Mapping[str, str] | None = None, what: str = "the request",
                retry: bool = False, limit: float | None = None) -> bytes:
        """The body of a 2xx answer; anything else is an :class:`EndpointError` naming ``url``.

        ``limit`` caps this request's time below ``timeout`` (for tidying up after an error).
        """
        space = url.split("?", 1)[0]
        if body is not None and self.auth == "digest" and self.user is not None \
                and space not in self._preflighted:
            self._preflight(url)
        attempts = 1 + (self.retries if retry else 0)
        for attempt in range(attempts):
            try:
                answer = self._authorised(method, url, body, dict(headers or {}), what, limit)
            except _Transient as e:
                if attempt + 1 == attempts:
                    tries = f" (tried {attempts} times)" if attempts > 1 else ""
                    raise EndpointError(f"{e.message}{tries}") from None
                self._pause(self.backoff * 2 ** attempt, e.message)
                continue
            if 200 <= answer.status < 300:
                return answer.body
            detail = _snippet(answer.body)
            message = f"{url} refused {what}: HTTP {answer.status} {answer.reason}" + (f": {detail}" if detail else "")
            if answer.status == 401:
                message += _auth_hint(answer.headers, self.auth, self.user is not None)
            if answer.status in RETRY_STATUSES and attempt + 1 < attempts:
                self._pause(max(self.backoff * 2 ** attempt, _retry_after(answer.headers)), message)
                continue
            raise EndpointError(message)
        raise AssertionError("unreachable")  # pragma: no cover

    def left(self) -> float | None:
        """Seconds until the deadline (None: no deadline)."""
        return None if self.ends is None else self.ends - time.monotonic()

    # ------------------------------------------------------------ auth

    def _preflight(self, url: str) -> None:
        """A body-less HEAD that collects the Digest challenge of ``url``'s path."""
        space = url.split("?", 1)[0]
        self._preflighted.add(space)
        for attempt in range(1 + self.retries):
            try:
                answer = self._exchange("HEAD", url, None, {}, "the authentication preflight (HEAD)")
                break
            except _Transient as e:
                if attempt == self.retries:
                    raise EndpointError(e.message) from None
                self._pause(self.backoff * 2 ** attempt, e.message)
        challenge = digest_challenge(answer.headers) if answer.status == 401 else None
        if challenge is not None:
            self._challenges[space] = challenge

    def _authorised(self, method: str, url: str, body: bytes | None, headers: dict[str, str],
                    what: str, limit: float | None = None) -> Answer:
        """One exchange with credentials; one more if Digest hands out a new nonce."""
        space = url.split("?", 1)[0]
        used = self._authorize(method, url, headers)
        answer = self._exchange(method, url, body, headers, what, limit)
        if answer.status != 401 or self.user is None or self.auth != "digest":
            return answer
        challenge = digest_challenge(answer.headers)
        if challenge is None or challenge.get("nonce") == used:
            return answer  # the credentials themselves were refused
        self._challenges[space] = challenge
        self._authorize(method, url, headers)
        return self._exchange(method, url, body, headers, what, limit)

    def _authorize(self, method: str, url: str, headers: dict[str, str]) -> str | None:
        """Add the Authorization header; the Digest nonce used, if any."""
        if self.user is None:
            return None
        if self.auth == "basic":
            token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
            return None
        challenge = self._challenges.get(url.split("?", 1)[0])
        if challenge is None:
            headers.pop("Authorization", None)
            return None
        headers["Authorization"] = self._digest(challenge, method, _request_target(url))
        return challenge.get("nonce")

    def _digest(self, challenge: dict[str, str], method: str, target: str) -> str:
        """The Digest response (RFC 7616, qop=auth or none; MD5 or SHA-256, -sess or not)."""
        algorithm = challenge.get("algorithm", "MD5")
        hashes = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}
        base = algorithm.upper().removesuffix("-SESS")
        if base not in hashes:
            raise EndpointError(f"the endpoint asks for Digest algorithm {algorithm!r}; "
                                "kg supports MD5 and SHA-256")
        qops = [q.strip() for q in challenge.get("qop", "").split(",") if q.strip()]
        if qops and "auth" not in qops:
            raise EndpointError(f"the endpoint asks for Digest qop {','.join(qops)!r}; kg supports 'auth'")

        def h(text: str) -> str:
            return hashes[base](text.encode("utf-8")).hexdigest()

        realm, nonce = challenge.get("realm", ""), challenge.get("nonce", "")
        self._counts[nonce] = nc = self._counts.get(nonce, 0) + 1
        cnonce = secrets.token_hex(8)
        ha1 = h(f"{self.user}:{realm}:{self.password}")
        if algorithm.upper().endswith("-SESS"):
            ha1 = h(f"{ha1}:{nonce}:{cnonce}")
        ha2 = h(f"{method}:{target}")
        response = h(f"{ha1}:{nonce}:{nc:08x}:{cnonce}:auth:{ha2}") if qops else h(f"{ha1}:{nonce}:{ha2}")
        fields = [f"username={_quoted(self.user or '')}", f"realm={_quoted(realm)}",
                  f"nonce={_quoted(nonce)}", f"uri={_quoted(target)}", f"response={_quoted(response)}",
                  f"algorithm={algorithm}"]
        if "opaque" in challenge:
            fields.append(f"opaque={_quoted(challenge['opaque'])}")
        if qops:
            fields += ["qop=auth", f"nc={nc:08x}", f"cnonce={_quoted(cnonce)}"]
        return "Digest " + ", ".join(fields)

    # ------------------------------------------------------------ transport

    def _pause(self, seconds: float, failure: str) -> None:
        """Wait before a repeat, unless the deadline comes first: then ``failure`` is the error."""
        left = self.left()
        if left is not None and seconds >= left:
            raise EndpointError(f"{failure}; the push deadline ran out before it could be repeated "
                                "(--deadline)")
        time.sleep(seconds)

    def _exchange(self, method: str, url: str, body: bytes | None, headers: dict[str, str],
                  what: str, cap: float | None = None) -> Answer:
        """One request and its whole answer, or _Transient; cut off at the time limit."""
        left = self.left()
        if left is not None and left <= 0:
            raise EndpointError(f"{url}: the push deadline ran out before {what} (--deadline)")
        timeout = self.timeout if cap is None else min(cap, self.timeout)
        limit = timeout if left is None else min(timeout, left)
        why = "--timeout" if left is None or timeout <= left else "the push deadline, --deadline"
        conn, target, extra = _connection(url, limit)
        cut = threading.Event()

        def shut() -> None:
            cut.set()
            sock = conn.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        watchdog = threading.Timer(limit, shut)
        watchdog.daemon = True
        watchdog.start()
        try:
            conn.request(method, target, body=body, headers={**headers, **extra})
            resp = conn.getresponse()
            data = resp.read(_MAX_BODY)
            if not cut.is_set():  # a cut socket reads as a short, "complete" answer
                return Answer(resp.status, resp.reason, resp.headers, data)
        except (OSError, http.client.HTTPException) as e:
            if not cut.is_set():
                reason = e.strerror if isinstance(e, OSError) and e.strerror else (str(e) or type(e).__name__)
                raise _Transient(f"cannot reach {url} ({what}): {reason}") from None
        finally:
            watchdog.cancel()
            conn.close()
        raise _Transient(f"{url} did not answer {what} within {limit:g} s ({why})")


def _auth_hint(headers: Message, auth: str, gave_user: bool) -> str:
    """Why a 401 happened, in words that say which option to change."""
    asked = {v.strip().split(" ", 1)[0].lower() for v in headers.get_all("WWW-Authenticate") or []}
    if asked and auth not in asked and asked & set(AUTH_SCHEMES):
        return f" (the endpoint asks for {' or '.join(sorted(asked & set(AUTH_SCHEMES)))}: --auth)"
    return " (the credentials were not accepted)" if gave_user else " (it needs --user and --password)"


def _retry_after(headers: Message) -> float:
    try:
        return float(headers.get("Retry-After", "0"))
    except ValueError:  # an HTTP date: not worth parsing for a short wait
        return 0.0


def _request_target(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _connection(url: str, timeout: float) -> tuple[http.client.HTTPConnection, str, dict[str, str]]:
    """A connection for ``url`` (through the environment's proxy unless loopback), the request
    target, and the headers the proxy needs."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    proxy = None
    if host not in LOOPBACK and not urllib.request.proxy_bypass(host):
        proxy = urllib.request.getproxies().get(parts.scheme)
    if not proxy:
        conn = (http.client.HTTPSConnection(host, port, timeout=timeout) if https
                else http.client.HTTPConnection(host, port, timeout=timeout))
        return conn, _request_target(url), {}
    p = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    auth = {}
    if p.username is not None:
        token = f"{urllib.parse.unquote(p.username)}:{urllib.parse.unquote(p.password or '')}"
        auth["Proxy-Authorization"] = "Basic " + base64.b64encode(token.encode()).decode("ascii")
    if https:
        tunnel = http.client.HTTPSConnection(p.hostname or "", p.port or 80, timeout=timeout)
        tunnel.set_tunnel(host, port, headers=auth)
        return tunnel, _request_target(url), {}
    conn = http.client.HTTPConnection(p.hostname or "", p.port or 80, timeout=timeout)
    return conn, url, auth  # a plain-HTTP proxy takes the absolute URL
