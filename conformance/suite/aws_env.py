"""The AWS conventions a user already has set up: the endpoint, region and credentials variables and
the shared credentials and config files, read as the AWS CLI and SDKs read them.

* Endpoint (AWS SDKs and Tools Reference Guide > Service-specific endpoints): the service's own
  ``AWS_ENDPOINT_URL_STORAGE_GATEWAY``, then the global ``AWS_ENDPOINT_URL``.
* Region: ``AWS_REGION``, then ``AWS_DEFAULT_REGION``, then the profile's ``region``.
* Credentials (the standard chain): ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` /
  ``AWS_SESSION_TOKEN``, then the profile (``AWS_PROFILE``, else ``default``) in the shared
  credentials file (``AWS_SHARED_CREDENTIALS_FILE``, else ``~/.aws/credentials``), then in the
  config file (``AWS_CONFIG_FILE``, else ``~/.aws/config``, where a profile's section is
  ``[profile NAME]`` and the default one ``[default]``).

Plain ``configparser``: no botocore needed.  Nothing here prints or logs a value.
"""

from __future__ import annotations

import configparser
import os
from pathlib import Path

from conformance.protocol.credentials import Credentials

ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL_STORAGE_GATEWAY", "AWS_ENDPOINT_URL")
REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION")
KEY_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
FILE_KEYS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")


def endpoint_from_env() -> tuple[str, str] | None:
    """(URL, the variable it came from), or None."""
    for name in ENDPOINT_VARIABLES:
        value = os.environ.get(name, "").strip()
        if value:
            return value, name
    return None


def profile_name() -> str:
    return os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE") or "default"


def _file(variable: str, default: str) -> Path:
    return Path(os.environ.get(variable) or Path.home() / ".aws" / default).expanduser()


def _section(path: Path, names: tuple[str, ...]) -> dict[str, str]:
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, configparser.Error, UnicodeDecodeError):
        return {}
    for name in names:
        if parser.has_section(name):
            return {k: v.strip() for k, v in parser.items(name)}
    return {}


def profile_settings() -> list[dict[str, str]]:
    """The profile's sections: the credentials file's, then the config file's."""
    name = profile_name()
    config_names = ("default",) if name == "default" else (f"profile {name}", name)
    return [_section(_file("AWS_SHARED_CREDENTIALS_FILE", "credentials"), (name,)),
            _section(_file("AWS_CONFIG_FILE", "config"), config_names)]


def credentials_chain() -> tuple[Credentials, str] | None:
    """(credentials, where they came from), or None when neither the environment nor a file has a pair."""
    key, secret, token = (os.environ.get(k) or None for k in KEY_VARIABLES)
    if key and secret:
        return Credentials(key, secret, token), "the environment"
    for section, where in zip(profile_settings(), ("shared credentials file", "config file"), strict=True):
        key, secret, token = (section.get(k) or None for k in FILE_KEYS)
        if key and secret:
            return Credentials(key, secret, token), f"profile {profile_name()!r} of the {where}"
    return None


def region_from_env() -> str | None:
    for name in REGION_VARIABLES:
        if os.environ.get(name):
            return os.environ[name]
    for section in reversed(profile_settings()):     # region is a config-file setting
        if section.get("region"):
            return section["region"]
    return None
