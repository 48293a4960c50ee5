# Sourced by the scripts here: exports the local-only n8n settings of n8n-env.json (no telemetry,
# version checks, templates, banners, ...) unless the caller already set them.
# Needs HERE (this folder).
while IFS='=' read -r __key __value; do
	[ -n "${__key}" ] || continue
	if [ -z "${!__key+x}" ]; then export "${__key}=${__value}"; fi
done < <(node -e '
	const env = require(process.argv[1]);
	for (const [k, v] of Object.entries(env)) if (!k.startsWith("_")) console.log(`${k}=${v}`);
' "${HERE}/n8n-env.json")
unset __key __value
