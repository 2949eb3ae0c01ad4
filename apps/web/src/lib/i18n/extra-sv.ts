/**
 * Swedish texts of the start page, the confirm steps, the exports, the narrow-screen layouts and
 * the cluster summaries in two languages; spread into sv.ts, so pages read them as `m.key`.
 * extra-en.ts must have the same keys.
 */
export const svExtra = {
  fieldSummaryEn: 'Kort beskrivning på engelska (valfritt)',
  summaryEnHint: 'Visas på de engelska sidorna. Utan den visas den svenska där.',
};
