"""tools/consumer_schemas.py reads Go struct tags the way the decoders do (a small Go module
built in a temporary git repository, so the generator is tested without the upstream checkouts)."""

from __future__ import annotations

import subprocess

import pytest

from tools.consumer_schemas import Extractor, Repo

FILES = {
    "go.mod": "module example.com/m\n\ngo 1.22\n",
    "pkg/a/a.go": '''package a

import (
	other "example.com/m/pkg/b"
	"example.com/vend/thing"
)

// Arguments of a component.
type Arguments struct {
	Name   string            `alloy:"name,attr"`
	Labels map[string]string `alloy:"labels,attr,optional"`
	Inner  *other.Inner      `alloy:"inner,block,optional"`
	Shared Shared            `alloy:",squash"`
	Stages []Stage           `alloy:"stage,enum,optional"`
	Alias  Renamed           `alloy:"renamed,block,optional"`
	hidden int
}

type (
	Shared struct {
		Timeout string `alloy:"timeout,attr,optional"`
	}
	Renamed other.Inner
)

type Stage struct {
	CRI *other.Inner `alloy:"cri,block,optional"`
}

// Config is a YAML config.
type Config struct {
	Server  thing.Server `yaml:"server"`
	Common  other.Inner  `yaml:",inline"`
	Skipped string       `yaml:"-"`
	Plain   int
}
''',
    "pkg/b/b.go": '''package b

type Inner struct {
	URL   string `alloy:"url,attr" yaml:"url"`
	Extra string `yaml:"extra,omitempty"`
}
''',
    "vendor/example.com/vend/thing/thing.go": '''package thing

type Server struct {
	Port int `yaml:"http_listen_port"`
}
''',
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Repo:
    root = tmp_path_factory.mktemp("gomod")
    for path, text in FILES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "m"], check=True)
    subprocess.run([*git, "tag", "v1.0.0"], check=True)
    return Repo(root, "v1.0.0", module="example.com/m")


@pytest.fixture(scope="module")
def alloy(repo) -> dict:
    ex = Extractor(repo)
    key = ex.walk("pkg/a", "Arguments", "alloy")
    return {"fields": ex.types[key]["fields"], "types": ex.types}


def test_attributes_and_blocks_keep_their_kind_and_line(alloy):
    assert alloy["fields"]["name"] == {"at": "pkg/a/a.go:10", "kind": "attr", "shape": "value", "type": None,
                                       "required": True}
    assert alloy["fields"]["inner"]["kind"] == "block" and alloy["fields"]["inner"]["type"] == "pkg/b#Inner"
    assert alloy["fields"]["labels"]["required"] is False


def test_squash_inlines_and_untagged_fields_are_not_syntax(alloy):
    assert "timeout" in alloy["fields"] and "hidden" not in alloy["fields"] and "" not in alloy["fields"]


def test_enum_becomes_dotted_blocks(alloy):
    assert alloy["fields"]["stage.cri"]["kind"] == "block" and alloy["fields"]["stage.cri"]["type"] == "pkg/b#Inner"
    assert "stage" not in alloy["fields"]


def test_a_type_defined_as_another_type_in_a_group_has_its_fields(alloy):
    assert set(alloy["types"][alloy["fields"]["renamed"]["type"]]["fields"]) == {"url"}


def test_yaml_follows_vendor_inline_and_lowercases_untagged_fields(repo):
    ex = Extractor(repo)
    fields = ex.types[ex.walk("pkg/a", "Config", "yaml")]["fields"]
    assert set(fields) == {"server", "url", "extra", "plain"}
    assert ex.types[fields["server"]["type"]]["fields"]["http_listen_port"]["at"] == \
        "vendor/example.com/vend/thing/thing.go:4"
