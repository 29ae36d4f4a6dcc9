"""Static files for production: WhiteNoise's compressed manifest storage, minus source maps.

The vendored minified scripts name source maps (`//# sourceMappingURL=…`) that are not shipped
(web/vendor/README.md); Django's manifest step would fail on the missing files, so those
references are left as they are. Everything else keeps hashed names and gzip/brotli copies.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns: tuple) -> tuple:
    kept = []
    for extension, rules in patterns:
        rules = tuple(r for r in rules if "sourceMappingURL" not in str(r[0] if isinstance(r, tuple) else r))
        if rules:
            kept.append((extension, rules))
    return tuple(kept)


class StaticStorage(CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
