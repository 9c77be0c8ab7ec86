"""The caller's workspace: settings (origins, token budget), the widget secret, its fields, its keys."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from api.deps import AdminDep, AgentDep, RuntimeDep
from api.schemas import (
    ROUTE_ERRORS,
    FieldsIn,
    FieldsOut,
    KeyIn,
    KeyOut,
    NewKeyOut,
    WidgetSecretOut,
    WorkspaceOut,
    WorkspaceSettingsIn,
    errors,
)
from assistant.feedback import NotFound
from assistant.keys import create_key, list_keys, revoke_key
from assistant.tenancy import rotate_widget_secret, tenant_settings, tokens_used_today, update_tenant_settings
from assistant.workspace_fields import get_fields, set_fields

router = APIRouter(prefix="/v1", tags=["workspace"], responses=ROUTE_ERRORS)


def _out(rt: RuntimeDep, workspace: str, workspace_id: int) -> WorkspaceOut:
    with rt.sessions() as session:
        ts = tenant_settings(session, workspace_id)
        used = tokens_used_today(session, workspace_id)
    return WorkspaceOut(
        name=workspace,
        cors_origins=ts.cors_origins,
        token_budget_daily=ts.token_budget_daily,
        tokens_used_today=used,
        has_widget_secret=bool(ts.widget_secret),
        opening_hours=ts.opening_hours.as_dict() if ts.opening_hours else None,
    )


@router.get("/workspace", response_model=WorkspaceOut)
def show(principal: AdminDep, rt: RuntimeDep) -> WorkspaceOut:
    """The workspace's API settings and today's token use."""
    return _out(rt, principal.workspace, principal.workspace_id)


@router.put("/workspace/settings", response_model=WorkspaceOut)
def update(body: WorkspaceSettingsIn, principal: AdminDep, rt: RuntimeDep) -> WorkspaceOut:
    """Set allowed browser origins (CORS), the daily token budget and the opening hours."""
    with rt.sessions.begin() as session:
        update_tenant_settings(
            session,
            principal.workspace_id,
            cors_origins=body.cors_origins,
            token_budget_daily=body.token_budget_daily,
            clear_budget=body.clear_budget,
            opening_hours=body.opening_hours,
            clear_opening_hours=body.clear_opening_hours,
        )
    return _out(rt, principal.workspace, principal.workspace_id)


@router.post("/workspace/widget-secret", response_model=WidgetSecretOut, status_code=status.HTTP_201_CREATED)
def widget_secret(principal: AdminDep, rt: RuntimeDep) -> WidgetSecretOut:
    """A new widget secret for signing customer ids (the old one stops working)."""
    with rt.sessions.begin() as session:
        return WidgetSecretOut(secret=rotate_widget_secret(session, principal.workspace_id))


@router.get("/workspace/fields", response_model=FieldsOut)
def fields(principal: AgentDep, rt: RuntimeDep) -> FieldsOut:
    """The workspace's own fields."""
    fs = get_fields(rt.sessions, principal.workspace)
    return FieldsOut(fields=[f.model_dump() for f in fs])


@router.put("/workspace/fields", response_model=FieldsOut, responses=errors(400))
def put_fields(body: FieldsIn, principal: AdminDep, rt: RuntimeDep) -> FieldsOut:
    """Replace the workspace's own fields (the `fields.yaml` format, as JSON)."""
    fs = set_fields(rt.sessions, principal.workspace, {"fields": [f.model_dump() for f in body.fields]})
    return FieldsOut(fields=[f.model_dump() for f in fs])


@router.get("/keys", response_model=list[KeyOut])
def keys(principal: AdminDep, rt: RuntimeDep) -> list[KeyOut]:
    """The workspace's API keys (never their secrets)."""
    with rt.sessions() as session:
        return [
            KeyOut(
                key_id=k.key_id,
                role=k.role,
                label=k.label,
                created_at=k.created_at,
                revoked=k.revoked_at is not None,
            )
            for k in list_keys(session, principal.workspace_id)
        ]


@router.post("/keys", response_model=NewKeyOut, status_code=status.HTTP_201_CREATED)
def new_key(body: KeyIn, principal: AdminDep, rt: RuntimeDep) -> NewKeyOut:
    """Create a key in this workspace; it is shown once."""
    new = create_key(rt.sessions, principal.workspace, body.role, body.label)
    return NewKeyOut(key=new.key, key_id=new.key_id, role=new.role)


@router.delete("/keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(404))
def revoke(key_id: str, principal: AdminDep, rt: RuntimeDep) -> Response:
    """Revoke one of the workspace's keys."""
    with rt.sessions.begin() as session:
        if not revoke_key(session, principal.workspace_id, key_id):
            raise NotFound(f"no key {key_id!r}")
    return Response(status_code=204)
