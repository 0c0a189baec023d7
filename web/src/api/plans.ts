// Typed client for plan generation and selection.
//
//   const r = await plansApi.generate('offline', { basket });
//   if (r.degraded) show the notice listing r.meta.sources that failed

import type {
  GeneratePlansRequest,
  GeneratePlansResponse,
  PlanMode,
  SelectOfflineResponse,
  SelectOnlineResponse,
  SelectPlanRequest,
  SourceOutcome,
} from '../types';
import { http as defaultHttp, type HttpClient } from './http';

export interface GenerateResult extends GeneratePlansResponse {
  mode: PlanMode;
  /** HTTP status: 200, or 206 when some price source failed */
  status: number;
  degraded: boolean;
  /** the sources that errored or timed out */
  failedSources: SourceOutcome[];
}

export function createPlansApi(http: HttpClient = defaultHttp) {
  return {
    async generate(mode: PlanMode, req: GeneratePlansRequest = {}): Promise<GenerateResult> {
      const res = await http.post<GeneratePlansResponse>(`/${mode}/plans/generate`, req);
      const body = res.data;
      const meta = res.meta ?? body.meta;
      const degraded = res.status === 206 || meta?.degraded === true;
      return {
        ...body,
        plans: Array.isArray(body.plans) ? body.plans : [],
        mode,
        status: res.status,
        degraded,
        failedSources: (meta?.sources ?? []).filter((s) => s.status !== 'ok'),
      };
    },
    /** A stored answer by its id (so a plan page survives reloads). */
    async get(planRequestId: string): Promise<GenerateResult> {
      const res = await http.get<GeneratePlansResponse>(`/plans/${encodeURIComponent(planRequestId)}`);
      const body = res.data;
      const meta = body.meta;
      const degraded = meta?.degraded === true;
      return {
        ...body,
        plans: Array.isArray(body.plans) ? body.plans : [],
        mode: body.mode === 'online' ? 'online' : 'offline',
        status: degraded ? 206 : 200,
        degraded,
        failedSources: (meta?.sources ?? []).filter((s) => s.status !== 'ok'),
      };
    },
    async selectOffline(req: SelectPlanRequest): Promise<SelectOfflineResponse> {
      return (await http.post<SelectOfflineResponse>('/offline/plans/select', req)).data;
    },
    async selectOnline(req: SelectPlanRequest): Promise<SelectOnlineResponse> {
      const data = (await http.post<SelectOnlineResponse>('/online/plans/select', req)).data;
      return { ...data, checkout: Array.isArray(data.checkout) ? data.checkout : [] };
    },
  };
}

export type PlansApi = ReturnType<typeof createPlansApi>;
export const plansApi: PlansApi = createPlansApi();
