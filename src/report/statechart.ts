/**
 * A Mermaid state diagram drawn from a flat xstate machine's own definition, so the picture of
 * a machine cannot drift from the code: one arrow per transition, labelled with its event and
 * guard; transitions that stay in their state are listed under the state instead of drawn as
 * loops.
 */

interface MachineConfig {
  config: { id?: string; initial?: string; states?: Record<string, { on?: Record<string, unknown> }> };
}

const guardName = (g: unknown) => (typeof g === 'string' ? g : typeof g === 'object' && g !== null ? String((g as { type?: unknown }).type) : 'inline');

export function machineDiagram(machine: unknown): string {
  const { config } = machine as MachineConfig;
  const lines = ['stateDiagram-v2', `  [*] --> ${config.initial}`];
  for (const [state, node] of Object.entries(config.states ?? {})) {
    const stays: string[] = [];
    for (const [event, raw] of Object.entries(node.on ?? {})) {
      for (const t of (Array.isArray(raw) ? raw : [raw]) as { target?: string; guard?: unknown; reenter?: boolean }[]) {
        const label = t.guard === undefined ? event : `${event} [${guardName(t.guard)}]`;
        if (t.target === undefined || (t.target === state && !t.reenter)) stays.push(label);
        else lines.push(`  ${state} --> ${t.target}: ${label}`);
      }
    }
    if (stays.length > 0) lines.push(`  note right of ${state}`, ...stays.map((s) => `    ${s}`), '  end note');
  }
  return lines.join('\n') + '\n';
}
