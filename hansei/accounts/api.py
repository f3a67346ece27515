"""The signed-in user, teams, and the user's own API tokens."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from hansei import access
from hansei.accounts import services
from hansei.accounts.auth import actor_of
from hansei.accounts.models import ApiToken, Team
from hansei.accounts.schemas import MeOut, NewTokenOut, TeamOut, TokenIn, TokenOut

router = Router(tags=["accounts"])


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request: HttpRequest) -> object:
    return actor_of(request)


@router.get("/teams", response=list[TeamOut], summary="Teams")
def list_teams(request: HttpRequest) -> object:
    return Team.objects.all()


@router.get("/tokens", response=list[TokenOut], summary="My API tokens")
def list_tokens(request: HttpRequest) -> object:
    return ApiToken.objects.filter(user=actor_of(request))


@router.post("/tokens", response={201: NewTokenOut}, summary="Create an API token")
def create_token(request: HttpRequest, payload: TokenIn) -> object:
    token, raw = services.create_api_token(actor=actor_of(request), name=payload.name)
    return Status(201, {**TokenOut.from_orm(token).model_dump(), "token": raw})


@router.delete("/tokens/{int:token_id}", response={204: None}, summary="Revoke an API token")
def revoke_token(request: HttpRequest, token_id: int) -> object:
    actor = actor_of(request)
    token = access.get_api_token_for_user(actor, token_id)
    services.revoke_api_token(actor=actor, token=token)
    return Status(204, None)
