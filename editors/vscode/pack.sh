#!/bin/sh
# pack.sh [OUT.vsix]: package this extension as a .vsix with zip(1), offline, without
# vsce: the extension's files and the runtime npm packages its client needs, from the
# node_modules that `npm ci` here installed (node reads package-lock.json). A .vsix is a zip holding [Content_Types].xml, extension.vsixmanifest
# and the extension's files under extension/; `code --install-extension gov-X.vsix`
# installs it. The manifest's fields come from package.json.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/gov-$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$here/package.json").vsix}
case $out in /*) ;; *) out=$(pwd)/$out ;; esac

# field NAME: a top-level string field of package.json (one field a line, 2 spaces in).
field() {
  v=$(sed -n "s/^  \"$1\": \"\\(.*\\)\",\$/\\1/p" "$here/package.json")
  [ -n "$v" ] || { echo "pack.sh: no \"$1\" in package.json" >&2; exit 1; }
  printf '%s' "$v"
}
# xml TEXT: TEXT with &, < and > escaped.
xml() { printf '%s' "$1" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/"/\&quot;/g'; }

name=$(field name)
publisher=$(field publisher)
version=$(field version)
display=$(field displayName)
description=$(field description)
engine=$(sed -n 's/^    "vscode": "\(.*\)"$/\1/p' "$here/package.json")
[ -n "$engine" ] || { echo "pack.sh: no engines.vscode in package.json" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/extension"
# What the extension is made of; tests, tsconfig.json and the dev packages stay out.
for f in package.json language-configuration.json README.md syntaxes snippets extension.js server.js; do
  cp -R "$here/$f" "$stage/extension/"
done
# The client's runtime packages (vscode-languageclient and what it needs): the entries of
# package-lock.json that are not dev dependencies, copied from node_modules, which
# `npm ci` here fills (make test-deps does it).
if [ ! -f "$here/node_modules/vscode-languageclient/package.json" ] || ! command -v node >/dev/null 2>&1; then
  echo "pack.sh: needs node and the npm packages of $here (npm ci there, or make test-deps)" >&2
  exit 1
fi
node -e '
  const l = require(process.argv[1]).packages;
  for (const [k, v] of Object.entries(l)) if (k && !v.dev) console.log(k);
' "$here/package-lock.json" | while read -r p; do
  [ -d "$here/$p" ] || { echo "pack.sh: $p is in package-lock.json but not installed (npm ci)" >&2; exit 1; }
  mkdir -p "$stage/extension/$p"
  cp -R "$here/$p/." "$stage/extension/$p/"
done || exit 1

# A content type for every file name extension in the package, as vsce writes them.
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
  echo '  <Default Extension=".vsixmanifest" ContentType="text/xml"/>'
  find "$stage/extension" -type f -name '*.*' | sed 's/.*\.//' | sort -u | while read -r e; do
    case $e in
      json) t=application/json ;; md) t=text/markdown ;; js|cjs|mjs) t=application/javascript ;;
      txt) t=text/plain ;; *) t=application/octet-stream ;;
    esac
    echo "  <Default Extension=\".$e\" ContentType=\"$t\"/>"
  done
  echo '</Types>'
} >"$stage/[Content_Types].xml"

cat >"$stage/extension.vsixmanifest" <<XML
<?xml version="1.0" encoding="utf-8"?>
<PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011" xmlns:d="http://schemas.microsoft.com/developer/vsx-schema-design/2011">
  <Metadata>
    <Identity Language="en-US" Id="$(xml "$name")" Version="$(xml "$version")" Publisher="$(xml "$publisher")"/>
    <DisplayName>$(xml "$display")</DisplayName>
    <Description xml:space="preserve">$(xml "$description")</Description>
    <Categories>Programming Languages,Snippets</Categories>
    <GalleryFlags>Public</GalleryFlags>
    <Properties>
      <Property Id="Microsoft.VisualStudio.Code.Engine" Value="$(xml "$engine")"/>
      <Property Id="Microsoft.VisualStudio.Code.ExtensionKind" Value="ui,workspace,web"/>
    </Properties>
  </Metadata>
  <Installation>
    <InstallationTarget Id="Microsoft.VisualStudio.Code"/>
  </Installation>
  <Dependencies/>
  <Assets>
    <Asset Type="Microsoft.VisualStudio.Code.Manifest" Path="extension/package.json" Addressable="true"/>
    <Asset Type="Microsoft.VisualStudio.Services.Content.Details" Path="extension/README.md" Addressable="true"/>
  </Assets>
</PackageManifest>
XML

rm -f "$out"
(cd "$stage" && zip -q -X -r "$out" '[Content_Types].xml' extension.vsixmanifest extension)
echo "$out"
