#!/usr/bin/env python3
"""The public API of a crate, one line per item, from rustdoc's JSON output.

Usage: public-api.py RUSTDOC_JSON

Prints every item a caller can name (modules, types with their public fields and variants,
functions and methods with their signatures, constants, trait impls), at every path it is
reachable from, sorted. `#[non_exhaustive]` is shown, since adding it later is a breaking change.
Exits 1, after the listing, when a public signature names a type of another crate than std,
core or alloc: a dependency's type in the API ties every caller to that dependency's version.
The one deliberate exception is serde: the kubeconfig model is plain serde structs that mirror
client-go field by field (Serialize, Deserialize), keeping the keys it does not model as
`serde_json::Value`s, as kube-rs does; serde and serde_json are stable 1.x crates.

scripts/api-check.sh compares the listing with the committed one (`public-api.txt`).
"""

import json
import sys

STD = {"std", "core", "alloc"}
# See the module's docstring: the serde interface of the kubeconfig model, on purpose.
ALLOWED = {"serde", "serde_core", "serde_json"}


class Api:
    def __init__(self, doc):
        self.index = doc["index"]
        self.paths = doc["paths"]
        self.crates = {int(k): v["name"] for k, v in doc.get("external_crates", {}).items()}
        self.root = doc["root"]
        # (owner path, member line or "", line): an item's line, then its members under it.
        self.lines = set()
        self.owner = ""
        self.leaks = set()
        self.seen_modules = set()
        self.public_paths = {}
        self.where = ""

    # --- types -------------------------------------------------------------------------------

    def crate_of(self, item_id):
        summary = self.paths.get(str(item_id))
        if summary is None:
            item = self.index.get(str(item_id))
            return item["crate_id"] if item else 0
        return summary["crate_id"]

    def resolved(self, path):
        crate_id = self.crate_of(path["id"])
        if crate_id != 0 and self.crates.get(crate_id) not in STD | ALLOWED:
            self.leaks.add("%s: %s (crate %s)" % (self.where, path["path"], self.crates.get(crate_id)))
        return self.canonical(path) + self.generic_args(path.get("args"))

    def canonical(self, path):
        """The item's public path for this crate's items (as written in the source, `super::X` or
        `crate::X`, would change with an import); the bare name for std's."""
        if path["id"] in self.public_paths:
            return self.public_paths[path["id"]]
        summary = self.paths.get(str(path["id"]))
        if summary is None:
            return path["path"]
        if summary["crate_id"] == 0:
            return "::".join(summary["path"])
        return summary["path"][-1]

    def collect_public_paths(self, module_id, path, seen):
        """Every item's shortest public path (then the first in order), so a signature names a
        type the way a caller does, whichever private module defines it."""
        if module_id in seen:
            return
        seen.add(module_id)
        for child_id in self.index[str(module_id)]["inner"]["module"]["items"]:
            child = self.index.get(str(child_id))
            if child is None or not self.visible(child):
                continue
            (kind, v), = child["inner"].items()
            if kind == "use":
                target_id, name = v.get("id"), v["name"]
                if target_id is None or str(target_id) not in self.index or v.get("is_glob"):
                    continue
            else:
                target_id, name = child_id, child["name"]
            full = "%s::%s" % (path, name)
            known = self.public_paths.get(target_id)
            if known is None or (full.count("::"), full) < (known.count("::"), known):
                self.public_paths[target_id] = full
            if "module" in self.index[str(target_id)]["inner"]:
                self.collect_public_paths(target_id, full, seen)

    def generic_args(self, args):
        if not args:
            return ""
        if "angle_bracketed" in args:
            parts = []
            for arg in args["angle_bracketed"]["args"]:
                if "type" in arg:
                    parts.append(self.ty(arg["type"]))
                elif "lifetime" in arg:
                    parts.append(arg["lifetime"])
                elif "const" in arg:
                    parts.append(arg["const"].get("expr", "_"))
                else:
                    parts.append("_")
            for constraint in args["angle_bracketed"].get("constraints", []):
                binding = constraint.get("binding", {})
                if "equality" in binding and "type" in binding["equality"]:
                    parts.append("%s = %s" % (constraint["name"], self.ty(binding["equality"]["type"])))
                else:
                    parts.append(constraint["name"])
            return "<%s>" % ", ".join(parts) if parts else ""
        if "parenthesized" in args:
            p = args["parenthesized"]
            out = "(%s)" % ", ".join(self.ty(t) for t in p["inputs"])
            return out + (" -> " + self.ty(p["output"]) if p.get("output") else "")
        return ""

    def bounds(self, bounds):
        out = []
        for bound in bounds:
            if "trait_bound" in bound:
                out.append(self.resolved(bound["trait_bound"]["trait"]))
            elif "outlives" in bound:
                out.append(bound["outlives"])
            else:
                out.append("?")
        return " + ".join(out)

    def ty(self, t):
        if t is None:
            return "()"
        if isinstance(t, str):
            return "_" if t == "infer" else t
        (kind, v), = t.items()
        if kind == "resolved_path":
            return self.resolved(v)
        if kind in ("primitive", "generic"):
            return v
        if kind == "borrowed_ref":
            lifetime = v["lifetime"] + " " if v.get("lifetime") else ""
            return "&%s%s%s" % (lifetime, "mut " if v["is_mutable"] else "", self.ty(v["type"]))
        if kind == "raw_pointer":
            return "*%s %s" % ("mut" if v["is_mutable"] else "const", self.ty(v["type"]))
        if kind == "slice":
            return "[%s]" % self.ty(v)
        if kind == "array":
            return "[%s; %s]" % (self.ty(v["type"]), v["len"])
        if kind == "tuple":
            return "(%s)" % ", ".join(self.ty(x) for x in v)
        if kind == "impl_trait":
            return "impl " + self.bounds(v)
        if kind == "dyn_trait":
            return "dyn " + " + ".join(self.resolved(p["trait"]) for p in v["traits"])
        if kind == "qualified_path":
            trait = self.resolved(v["trait"]) if v.get("trait") else "_"
            return "<%s as %s>::%s" % (self.ty(v["self_type"]), trait, v["name"])
        if kind == "function_pointer":
            return "fn(%s) -> %s" % (
                ", ".join(self.ty(x[1]) for x in v["sig"]["inputs"]),
                self.ty(v["sig"].get("output")),
            )
        return kind

    def generics(self, g):
        params = []
        for p in g.get("params", []):
            kind = p["kind"]
            if "lifetime" in kind:
                params.append(p["name"])
            elif "type" in kind:
                b = self.bounds(kind["type"].get("bounds", []))
                default = kind["type"].get("default")
                params.append(p["name"] + (": " + b if b else "") + (" = " + self.ty(default) if default else ""))
            elif "const" in kind:
                params.append("const %s: %s" % (p["name"], self.ty(kind["const"]["type"])))
        return "<%s>" % ", ".join(params) if params else ""

    def signature(self, name, f):
        inputs = ", ".join(
            ("self" if n == "self" else "%s: %s" % (n, self.ty(t))) if n != "self" else self.self_param(t)
            for n, t in f["sig"]["inputs"]
        )
        out = f["sig"].get("output")
        header = f.get("header", {})
        prefix = ("const " if header.get("is_const") else "") + ("unsafe " if header.get("is_unsafe") else "")
        return "%sfn %s%s(%s)%s" % (prefix, name, self.generics(f.get("generics", {})), inputs,
                                     " -> " + self.ty(out) if out else "")

    def self_param(self, t):
        rendered = self.ty(t)
        return {"Self": "self", "&Self": "&self", "&mut Self": "&mut self"}.get(rendered, "self: " + rendered)

    # --- items -------------------------------------------------------------------------------

    @staticmethod
    def marks(item):
        attrs = json.dumps(item.get("attrs", []))
        return " #[non_exhaustive]" if "non_exhaustive" in attrs else ""

    @staticmethod
    def visible(item):
        return item.get("visibility") in ("public", "default")

    def add(self, line, member=0):
        """`member`: 0 the item itself, 1 a field or variant, 2 a method or constant, 3 a trait impl."""
        self.lines.add((self.owner, member, line))

    def module(self, item_id, path):
        if (item_id, path) in self.seen_modules:
            return
        self.seen_modules.add((item_id, path))
        self.add("mod %s" % path)
        for child in self.index[str(item_id)]["inner"]["module"]["items"]:
            self.item(child, path)

    def item(self, item_id, parent):
        item = self.index.get(str(item_id))
        if item is None or not self.visible(item):
            return
        (kind, v), = item["inner"].items()
        if kind == "use":
            if v.get("id") is None:
                self.leaks.add("%s: re-export of %s from another crate" % (parent, v["source"]))
                return
            target = self.index.get(str(v["id"]))
            if target is None:
                crate = self.crates.get(self.crate_of(v["id"]))
                if crate not in STD | ALLOWED:
                    self.leaks.add("%s: re-export of %s (crate %s)" % (parent, v["source"], crate))
                return
            if v.get("is_glob"):
                for child in target["inner"]["module"]["items"]:
                    self.item(child, parent)
                return
            self.named(target, "%s::%s" % (parent, v["name"]))
            return
        self.named(item, "%s::%s" % (parent, item["name"]))

    def named(self, item, path):
        (kind, v), = item["inner"].items()
        self.where = path
        self.owner = path
        canonical = self.public_paths.get(item["id"], path)
        if kind != "module" and canonical != path:
            # Listed whole at its shortest path; here only the other name it is reachable by.
            self.add("%s is %s" % (path, canonical))
            return
        if kind == "module":
            self.module(item["id"], path)
        elif kind == "struct":
            self.add("struct %s%s%s" % (path, self.generics(v.get("generics", {})), self.marks(item)))
            struct_kind = v["kind"]
            if isinstance(struct_kind, dict) and "plain" in struct_kind:
                for field in struct_kind["plain"]["fields"]:
                    self.field(field, path)
            elif isinstance(struct_kind, dict) and "tuple" in struct_kind:
                for n, field in enumerate(struct_kind["tuple"]):
                    if field is not None:
                        self.field(field, path, str(n))
            self.impls(v.get("impls", []), path)
        elif kind == "enum":
            self.add("enum %s%s%s" % (path, self.generics(v.get("generics", {})), self.marks(item)))
            for variant_id in v["variants"]:
                self.variant(self.index[str(variant_id)], path)
            self.impls(v.get("impls", []), path)
        elif kind == "function":
            self.add("fn %s::%s" % (path.rsplit("::", 1)[0], self.signature(item["name"], v)[3:]))
        elif kind == "constant":
            self.add("const %s: %s" % (path, self.ty(v["type"])))
        elif kind == "static":
            self.add("static %s: %s" % (path, self.ty(v["type"])))
        elif kind == "type_alias":
            self.add("type %s = %s" % (path, self.ty(v["type"])))
        elif kind == "trait":
            self.add("trait %s" % path)
        elif kind == "macro":
            self.add("macro %s!" % path)
        else:
            self.add("%s %s" % (kind, path))

    def field(self, field_id, parent, name=None):
        field = self.index.get(str(field_id))
        if field is None or not self.visible(field):
            return
        self.where = parent
        self.add("    pub %s: %s" % (name or field["name"], self.ty(field["inner"]["struct_field"])), member=1)

    def variant(self, variant, parent):
        v = variant["inner"]["variant"]
        kind = v["kind"]
        self.where = parent
        if kind == "plain":
            shape = ""
        elif "tuple" in kind:
            shape = "(%s)" % ", ".join(
                self.ty(self.index[str(f)]["inner"]["struct_field"]) if f is not None else "_" for f in kind["tuple"]
            )
        else:
            fields = [self.index[str(f)] for f in kind["struct"]["fields"]]
            shape = " { %s }" % ", ".join("%s: %s" % (f["name"], self.ty(f["inner"]["struct_field"])) for f in fields)
        self.add("    %s%s%s" % (variant["name"], shape, self.marks(variant)), member=1)

    def impls(self, impl_ids, path):
        for impl_id in impl_ids:
            impl = self.index.get(str(impl_id))
            if impl is None:
                continue
            v = impl["inner"]["impl"]
            if v.get("is_synthetic") or v.get("blanket_impl") is not None:
                continue
            self.where = path
            if v.get("trait") is None:
                for member_id in v["items"]:
                    member = self.index.get(str(member_id))
                    if member is None or not self.visible(member):
                        continue
                    (kind, m), = member["inner"].items()
                    self.where = "%s::%s" % (path, member["name"])
                    if kind == "function":
                        self.add("    " + self.signature(member["name"], m), member=2)
                    elif kind == "assoc_const":
                        self.add("    const %s: %s" % (member["name"], self.ty(m["type"])), member=2)
                continue
            # A trait of another crate than std is a leak too (resolved() records it).
            self.add("    impl %s" % self.resolved(v["trait"]), member=3)


def main():
    with open(sys.argv[1]) as f:
        doc = json.load(f)
    api = Api(doc)
    root = doc["index"][str(doc["root"])]
    api.collect_public_paths(doc["root"], root["name"], set())
    api.module(doc["root"], root["name"])
    for _, _, line in sorted(api.lines):
        print(line)
    if api.leaks:
        print("\nerror: public API names types of other crates:", file=sys.stderr)
        for leak in sorted(api.leaks):
            print("  " + leak, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
