"""Route table entries and the context handed to each handler."""

from .http import json_response

BOTH = ("seed", "latest")
SEED = ("seed",)
LATEST = ("latest",)


class Route:
    """One API route under /api/v1 (or /api for `absolute` routes).

    ability: tuple of abilities of which the token needs one (NOTES §1.4), or
    None for no ability check. auth=False routes skip the whole auth group.
    """

    def __init__(self, methods, pattern, handler, ability=None, modes=BOTH, auth=True,
                 api_allowed=True, absolute=False, needs_team=True):
        self.methods = (methods,) if isinstance(methods, str) else tuple(methods)
        self.segments = [s for s in pattern.strip("/").split("/") if s]
        self.pattern = pattern
        self.handler = handler
        self.ability = (ability,) if isinstance(ability, str) else ability
        self.modes = modes
        self.auth = auth
        self.api_allowed = api_allowed
        self.absolute = absolute
        self.needs_team = needs_team  # the handler calls getTeamIdFromToken()

    def match(self, segments):
        if len(segments) != len(self.segments):
            return None
        params = {}
        for want, got in zip(self.segments, segments):
            if want.startswith("{"):
                params[want[1:-1]] = got
            elif want != got:
                return None
        return params


def route(methods, pattern, handler, ability=None, modes=BOTH, **kw):
    return Route(methods, pattern, handler, ability, modes, **kw)


def moved_to_post(ctx):
    # NOTES §17.1: HEAD answers GET on the old action routes with 405.
    return json_response(405, {"message": "This endpoint has changed to a POST request."},
                         {"Allow": "POST"})


def action(pattern, handler, seed_ability=("write",), latest_ability=("deploy",), **kw):
    """An action route: GET or POST at the seed commit, POST only at HEAD (NOTES §8, §17.1-2)."""
    return [
        route(("GET", "POST"), pattern, handler, seed_ability, SEED, **kw),
        route("POST", pattern, handler, latest_ability, LATEST, **kw),
        route("GET", pattern, moved_to_post, None, LATEST, **kw),
    ]


class Ctx:
    """What a handler sees: the state, the request, the token and the path params."""

    def __init__(self, state, req, token, params):
        self.state = state
        self.req = req
        self.token = token
        self.params = params

    @property
    def latest(self):
        return self.state.latest

    @property
    def team_id(self):
        return self.token["team_id"] if self.token else None

    @property
    def sensitive(self):
        """NOTES §1.4: can_read_sensitive = root or read:sensitive."""
        abilities = self.token["abilities"] if self.token else []
        return "root" in abilities or "read:sensitive" in abilities

    def __getitem__(self, name):
        return self.params[name]
