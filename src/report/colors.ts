/** One colour per role, the same in every report, so a reader learns them once. */
export const COLORS = {
  demand: '#1f77b4',
  capacity: '#2ca02c',
  units: '#9467bd',
  throttled: 'rgba(214, 39, 40, 0.3)',
  palette: ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'],
} as const;
