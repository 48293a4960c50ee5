// n8n external hooks for `npm run n8n` (EXTERNAL_HOOK_FILES, set by start.sh and the e2e harness).
//
// The example workflows name their credentials ("OneBot account", "Heychat Bot account", ...) without
// an id, because the user creates those credentials after the examples were imported. n8n 2.8 resolves
// such references by name when a workflow is imported or saved (WorkflowHelpers.replaceInvalidCredentials:
// one credential of that type with that name → its id), and the editor does the same when it opens a
// workflow, but only in the browser: it does not mark the workflow as changed, so "Publish" activates
// the version stored at import time, whose nodes still have no credential id, and fails with
// "Credential with ID … does not exist" / "Node does not have any credentials set".
//
// This hook applies n8n's own by-name rule at the moment of publishing too: before n8n activates a
// version, every credential reference of it that names no existing credential of its type is pointed
// at the one credential of that type and name, in the stored version and (when it is the same version)
// the workflow. References that do not resolve uniquely are left alone, so n8n reports them as before.
// A name that matches no credential exactly may match one of its type ignoring case: n8n names a new
// credential "<type's display name> account", and display names change case between versions
// (n8n 2.8 "OpenAi account", 2.41 "OpenAI account").
'use strict';

/** { type: { id, name } } with an id that exists, resolved by name when it does not. */
async function resolveReferences(credentials, nodes) {
	let changed = false;
	for (const node of nodes ?? []) {
		if (!node.credentials || node.disabled) continue;
		for (const [type, ref] of Object.entries(node.credentials)) {
			const name = typeof ref === 'string' ? ref : ref?.name;
			const id = typeof ref === 'string' ? null : ref?.id;
			if (id && (await credentials.findOneBy({ id: String(id), type }))) continue;
			if (!name) continue;
			let byName = await credentials.findBy({ name, type });
			if (byName.length === 0) {
				const lower = String(name).toLowerCase();
				byName = (await credentials.findBy({ type })).filter((c) => String(c.name).toLowerCase() === lower);
			}
			if (byName.length !== 1) continue;
			node.credentials[type] = { id: byName[0].id, name: byName[0].name };
			changed = true;
		}
	}
	return changed;
}

module.exports = {
	workflow: {
		activate: [
			async function resolveCredentialsByName(workflow) {
				const { Credentials, Workflow } = this.dbCollections;
				const version = workflow?.activeVersion;
				if (!version?.versionId || !Array.isArray(version.nodes)) return;
				if (!(await resolveReferences(Credentials, version.nodes))) return;
				await Workflow.manager.update('WorkflowHistory', { versionId: version.versionId }, { nodes: version.nodes });
				if (workflow.versionId === version.versionId) {
					await Workflow.update({ id: workflow.id }, { nodes: version.nodes });
				}
			},
		],
	},
};
