// Server state shared by the role areas (TanStack Query keys in one place).
import { useQuery } from '@tanstack/react-query';
import { get } from '../shared/api.ts';
import type { CaseDetail, ProcessDefinition, ProcessSummary } from '../shared/types.ts';

export const keys = {
  processes: ['processes'] as const,
  definition: (id: string) => ['process', id] as const,
  case: (id: string) => ['case', id] as const,
  cases: (query: string) => ['cases', query] as const,
  tasks: ['tasks'] as const,
  delivery: (id: string) => ['delivery', id] as const,
};

export function useProcesses() {
  return useQuery({ queryKey: keys.processes, queryFn: () => get<ProcessSummary[]>('/api/processes') });
}

export function useDefinition(id: string | undefined) {
  return useQuery({
    queryKey: keys.definition(id ?? ''),
    queryFn: () => get<ProcessDefinition>(`/api/processes/${encodeURIComponent(id!)}`),
    enabled: Boolean(id),
    staleTime: 5 * 60_000,
  });
}

/**
 * A case. Every read is in the case's access log, which the applicant reads: `whileRunning` refreshes it
 * at that interval only while the case runs (e.g. a clerk waiting to deliver), never once it is closed.
 */
export function useCase(id: string | undefined, whileRunning?: number) {
  return useQuery({
    queryKey: keys.case(id ?? ''),
    queryFn: () => get<CaseDetail>(`/api/cases/${id}`),
    enabled: Boolean(id),
    refetchInterval: (query) =>
      whileRunning && query.state.data?.status === 'running' ? whileRunning : false,
  });
}

/** Department code -> display name, from every process of the catalog. */
export function useDepartmentNames(): (code: string) => string {
  const { data } = useProcesses();
  const names = new Map((data ?? []).flatMap((p) => p.departments.map((d) => [d.code, d.name] as const)));
  return (code) => names.get(code) ?? code;
}
