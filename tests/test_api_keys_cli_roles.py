"""The CLI names the roles without importing the key store (fast help); both lists must agree."""

from assistant.cli import keys_cmds
from assistant.keys import ROLES


def test_cli_roles_are_the_key_stores_roles() -> None:
    assert keys_cmds.ROLES == ROLES
