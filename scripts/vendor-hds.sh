#!/bin/sh
# Refreshes assess/web/static/vendor/hds-core/ from the hds-core npm package (issue 20).
# Development time only: the built CSS is committed, so CI and `make run` need no npm.
# Only the core styles the templates use are kept: the base tokens and the components below,
# concatenated into one file (one request), with the package's LICENSE (MIT) beside it.
set -eu
VERSION="${HDS_VERSION:-5.2.2}"
COMPONENTS="button checkbox radio-button text-input selection-group table notification status-label pagination"
DEST="$(cd "$(dirname "$0")/.." && pwd)/assess/web/static/vendor/hds-core"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack --silent "hds-core@$VERSION" >/dev/null && tar xzf hds-core-*.tgz)
LIB="$WORK/package/lib"
mkdir -p "$DEST"
{
  printf '/* hds-core %s (Helsinki Design System core styles), MIT: see LICENSE. Made by scripts/vendor-hds.sh from lib/base.min.css and lib/components/{%s}. */\n' \
    "$VERSION" "$(echo "$COMPONENTS" | tr ' ' ',')"
  for f in "$LIB/base.min.css" $(for c in $COMPONENTS; do echo "$LIB/components/$c/$c.min.css"; done); do
    # The source maps are not shipped: drop the comment that points to them.
    sed -e 's#/\*\# sourceMappingURL=[^*]*\*/##' "$f"
    printf '\n'
  done
} > "$DEST/hds-core.min.css"
cp "$WORK/package/LICENSE" "$DEST/LICENSE"
printf '%s\n' "$VERSION" > "$DEST/VERSION"
echo "hds-core $VERSION -> $DEST"
