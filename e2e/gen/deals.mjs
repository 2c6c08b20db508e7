#!/usr/bin/env node
// Deterministic generator of a realistic Pipewright backup file (format "pipewright-backup",
// version 1): one NOK pipeline of six stages and N deals whose text is built from word lists
// (Norwegian and English business phrases, company and person names), so that size and
// compression measurements on it mean something. No dependencies; the same (n, seed) always
// gives the same file, byte for byte.
//
//   node e2e/gen/deals.mjs N [seed] [--one-stage] > file.json
//
//   import { generateBackup } from './gen/deals.mjs';
//   const backup = generateBackup(200, 1);   // the object; JSON.stringify it to write
//   generateBackup(10_000, 1, { oneStage: true })  // every deal open in the first stage
//
// Every deal passes the app's import validation (src/backup/validate/) and is also
// consistent the way the app's own rules would have left it (src/domain/ops/deals.rs):
// - ids are 12 lowercase alphanumerics (the app's fallback id shape), unique per kind;
// - history[0] is {from: null, to: first stage, at: created_at}; each later entry's `from`
//   is the previous entry's `to`, never equal to it; the last `to` is the deal's stage_id;
//   times strictly increase;
// - updated_at >= every history time and the status time; won/lost `at` is after the last
//   move; a lost deal's reason is one of lost_reasons and its note is text;
// - rank: distinct within each (stage) column, multiples of RANK_STEP (2^20) with gaps;
// - rev: 1 at creation, +1 for every move, close and edit (so >= history.length);
// - timestamps are UTC with exactly three fraction digits (never .000, which chrono would
//   write without a fraction), dates are real calendar dates.

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const RANK_STEP = 1 << 20;
/** The moment the generated workspace is "exported": fixed, so output is deterministic. */
export const EXPORTED_AT = '2026-03-04T10:11:12.345Z';
const NOW_MS = Date.parse(EXPORTED_AT);
const DAY = 86_400_000;

// ------------------------------------------------------------------ seeded PRNG

/** mulberry32 over a 32-bit state derived from the seed (sfc-style mixing of a string/number). */
export function makeRng(seed) {
  let h = 1779033703 ^ String(seed).length;
  for (const ch of String(seed)) {
    h = Math.imul(h ^ ch.charCodeAt(0), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), // inclusive
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
    /** Weighted pick: [[weight, value], ...]. */
    weighted: (pairs) => {
      const total = pairs.reduce((s, [w]) => s + w, 0);
      let r = next() * total;
      for (const [w, v] of pairs) {
        r -= w;
        if (r < 0) return v;
      }
      return pairs[pairs.length - 1][1];
    },
  };
  return rng;
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

function idMaker(rng) {
  const used = new Set();
  return () => {
    for (;;) {
      let id = '';
      for (let i = 0; i < 12; i++) id += ID_ALPHABET[Math.floor(rng.next() * 36)];
      if (!used.has(id)) {
        used.add(id);
        return id;
      }
    }
  };
}

/** RFC 3339, UTC, exactly three fraction digits; milliseconds forced to 1..999. */
function stamp(ms) {
  let t = Math.floor(ms);
  if (t % 1000 === 0) t += 1 + (Math.abs(t / 1000) % 997);
  return new Date(t).toISOString();
}

function dateOnly(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

// ------------------------------------------------------------------ word lists

const PLACE = [
  'Fjord', 'Nordlys', 'Vestland', 'Bergen', 'Trondheim', 'Polar', 'Tinde', 'Havbris', 'Skog',
  'Fjell', 'Lofoten', 'Stavanger', 'Tromsø', 'Bodø', 'Sørlandet', 'Hardanger', 'Oslofjord',
  'Nordkapp', 'Glitre', 'Midnatt', 'Saga', 'Viking', 'Kyst', 'Elv', 'Bjørke', 'Furu', 'Granitt',
  'Storm', 'Nordic', 'Aurora', 'Mjøsa', 'Telemark', 'Jæren', 'Romsdal', 'Helgeland', 'Varanger',
  'Solvik', 'Eikeli', 'Lysaker', 'Sandvika', 'Ålesund', 'Drammen', 'Kongsberg', 'Haugesund',
];
const TRADE = [
  'Teknologi', 'Logistikk', 'Bygg', 'Energi', 'Eiendom', 'Regnskap', 'Media', 'Helse',
  'Maritime', 'Consulting', 'Systems', 'Data', 'Sjømat', 'Elektro', 'Transport', 'Rørlegger',
  'Tannhelse', 'Advokatfirma', 'Revisjon', 'Analytics', 'Software', 'Solutions', 'Kraft',
  'Entreprenør', 'Arkitekter', 'Industri', 'Handel', 'Property', 'Offshore', 'Farmasi',
  'Landbruk', 'Reiseliv', 'Hotell', 'Finans', 'Forsikring', 'Security', 'Robotics', 'Design',
];
const COMPANY_SUFFIX = [[60, ' AS'], [8, ' ASA'], [14, ''], [5, ' Group'], [3, ' Gruppen AS'], [3, ' & Co AS'], [4, ' Norge AS'], [3, ' Holding AS']];

const FIRST = [
  'Ingrid', 'Ola', 'Kari', 'Per', 'Nora', 'Lars', 'Emma', 'Jonas', 'Sofie', 'Henrik', 'Maja',
  'Magnus', 'Ida', 'Sindre', 'Thea', 'Eirik', 'Hanne', 'Martin', 'Silje', 'Anders', 'Marte',
  'Kristian', 'Tuva', 'Håkon', 'Sigrid', 'Øyvind', 'Ragnhild', 'Bjørn', 'Astrid', 'Jørgen',
  'Camilla', 'Erik', 'Linnea', 'Fredrik', 'Vilde', 'Trond', 'Mette', 'Geir', 'Hilde', 'Tor',
  'Anna', 'David', 'Sarah', 'Michael', 'Julia', 'Ahmed', 'Fatima', 'Piotr', 'Agnieszka', 'Mohammed',
];
const LAST = [
  'Solberg', 'Nordmann', 'Hansen', 'Berg', 'Johansen', 'Olsen', 'Larsen', 'Andersen', 'Pedersen',
  'Nilsen', 'Kristiansen', 'Jensen', 'Karlsen', 'Johnsen', 'Pettersen', 'Eriksen', 'Haugen',
  'Bakken', 'Lie', 'Moen', 'Dahl', 'Lund', 'Strand', 'Halvorsen', 'Jacobsen', 'Sæther', 'Aas',
  'Kvalheim', 'Økland', 'Brekke', 'Tveit', 'Myhre', 'Fjeld', 'Rønning', 'Vik', 'Holm', 'Wang',
  'Iversen', 'Nygård', 'Hagen', 'Smith', 'Khan', 'Nowak', 'Ali', 'Kowalski', 'Nguyen',
];

// Titles: "<offer><extra>", built to land near 40 characters.
const OFFER_NB = [
  'Årslisens CRM', 'Rammeavtale skytjenester', 'Pilotprosjekt kundeportal', 'Oppgradering til Pro',
  'Migrering til sky', 'Vedlikeholdsavtale', 'Konsulentbistand', 'Utvikling av nettbutikk',
  'Integrasjon mot regnskapssystem', 'Opplæringspakke for ansatte', 'Driftsavtale servere',
  'Ny intranettløsning', 'Lisensfornyelse', 'Sikkerhetsrevisjon', 'Digital signering',
  'Flåtestyring og sporing', 'Fakturaautomatisering', 'Timeregistrering', 'Rådgivning innkjøp',
  'Kampanje og annonsering', 'Ny logo og profil', 'Dataplattform', 'Servicepakke', 'Supportavtale',
];
const OFFER_EN = [
  'Annual licence', 'Framework agreement cloud', 'Customer portal pilot', 'Upgrade to Enterprise',
  'Cloud migration', 'Maintenance contract', 'Consulting retainer', 'Webshop build',
  'ERP integration', 'Staff training package', 'Managed hosting', 'Intranet relaunch',
  'Licence renewal', 'Security audit', 'E-signature rollout', 'Fleet tracking',
  'Invoice automation', 'Time tracking', 'Procurement advisory', 'Brand refresh', 'Data platform',
  'Support plan', 'Analytics dashboard', 'Onboarding programme',
];
const EXTRA_NB = [
  () => `, ${[10, 15, 20, 25, 40, 50, 75, 100, 150, 250][Math.floor(r() * 10)]} brukere`,
  () => `, fase ${1 + Math.floor(r() * 3)}`,
  () => ` ${2026 + Math.floor(r() * 2)}`,
  () => `, avdeling ${PLACE[Math.floor(r() * PLACE.length)]}`,
  () => ` – ${['region Vest', 'region Nord', 'region Øst', 'hovedkontor', 'alle lokasjoner'][Math.floor(r() * 5)]}`,
  () => `, ${[12, 24, 36][Math.floor(r() * 3)]} mnd`,
];
const EXTRA_EN = [
  () => `, ${[10, 15, 20, 25, 40, 50, 75, 100, 150, 250][Math.floor(r() * 10)]} seats`,
  () => `, phase ${1 + Math.floor(r() * 3)}`,
  () => ` ${2026 + Math.floor(r() * 2)}`,
  () => `, ${PLACE[Math.floor(r() * PLACE.length)]} office`,
  () => ` – ${['Nordics', 'head office', 'all sites', 'west region', 'pilot group'][Math.floor(r() * 5)]}`,
  () => `, ${[12, 24, 36][Math.floor(r() * 3)]} months`,
];
// The word-list closures above read this; generateBackup sets it to its own stream.
let r = Math.random;

const NOTE_NB = [
  'Kunden ønsker en løsning som kan tas i bruk før sommeren.',
  'Budsjettet er godkjent av styret, men innkjøpsavdelingen vil sammenligne to leverandører.',
  'Møtte daglig leder på messen i Lillestrøm; stor interesse for integrasjonen.',
  'De bruker i dag Excel og et eldre fagsystem som skal fases ut.',
  'Beslutningen tas av IT-sjef og økonomisjef sammen.',
  'Har bedt om referanser fra en lignende bedrift i bransjen.',
  'Prisen ble diskutert; de forventer rabatt ved treårsavtale.',
  'Kontrakten må gjennomgås av juridisk før signering.',
  'Ønsker demo for hele ledergruppen neste uke.',
  'Fornøyd med piloten, vil utvide til flere avdelinger.',
  'Konkurrenten har gitt et lavere tilbud, men mangler lokal support.',
  'Oppstart tidligst etter årsskiftet på grunn av omorganisering.',
];
const NOTE_EN = [
  'The customer wants something live before the summer break.',
  'Budget is approved by the board, but procurement will compare two vendors.',
  'Met the CEO at the trade fair; strong interest in the integration.',
  'They run spreadsheets and an ageing legacy system that is being phased out.',
  'The decision is made jointly by the CIO and the CFO.',
  'Asked for references from a similar company in their sector.',
  'Pricing was discussed; they expect a discount for a three-year term.',
  'Legal needs to review the contract before signing.',
  'Would like a demo for the whole management team next week.',
  'Happy with the pilot and keen to roll out to more departments.',
  'A competitor offered a lower price but has no local support.',
  'Start-up not before the new year because of a reorganisation.',
];
const NEXT_NB = [
  'Send revidert tilbud', 'Følg opp på telefon', 'Book demo med ledergruppen', 'Sende kontrakt til signering',
  'Avklare behov med IT', 'Purre på svar', 'Sette opp møte med innkjøp', 'Sende referanser',
  'Forberede pilotplan', 'Avtale oppstartsmøte',
];
const NEXT_EN = [
  'Send revised quote', 'Follow up by phone', 'Book demo with management', 'Send contract for signature',
  'Clarify requirements with IT', 'Chase for an answer', 'Set up meeting with procurement',
  'Send references', 'Prepare pilot plan', 'Schedule kick-off',
];
const LOST_NOTE_NB = ['Valgte leverandøren de har i dag.', 'For dyrt for årets budsjett.', 'Prosjektet er utsatt på ubestemt tid.', 'Fikk ikke svar etter tre purringer.', ''];
const LOST_NOTE_EN = ['Stayed with their current vendor.', 'Too expensive for this year’s budget.', 'Project postponed indefinitely.', 'No answer after three follow-ups.', ''];

// Six stages: the app's "Startup" template (Norwegian names and guidance, as the app makes
// them in Norwegian) plus an onboarding stage.
const STAGES = [
  ['Lead-generering', 'Oppstarten bruker forskjellige markedsføringsstrategier for å tiltrekke potensielle kunder og generere leads.', 10, 14],
  ['Kvalifisering', 'Leadsene blir deretter evaluert for å avgjøre deres nivå av interesse og tilpasning til produktet.', 20, 14],
  ['Demonstrasjon', 'En produktdemonstrasjon blir gitt til interesserte kunder for å vise frem funksjonene og fordelene.', 40, 21],
  ['Forhandling', 'Priser og vilkår diskuteres, og forhandlinger finner sted for å nå en gjensidig akseptabel avtale.', 70, 14],
  ['Lukking', 'Det siste trinnet der avtalen blir vellykket lukket og kunden blir en betalende kunde.', 90, 7],
  ['Onboarding', 'Kunden får opplæring og tilgang, og vi sikrer at løsningen tas i bruk.', 95, 30],
];
export const LOST_REASONS = ['Pris', 'Valgte en konkurrent', 'Ikke behov nå', 'Ingen respons', 'Annet'];

function ascii(s) {
  return s
    .toLowerCase()
    .replace(/æ/g, 'ae').replace(/ø/g, 'o').replace(/å/g, 'a')
    .normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '');
}

// ------------------------------------------------------------------ generation

function company(rng) {
  const form = rng.weighted([[60, 'pt'], [15, 'p'], [15, 'lt'], [10, 'pp']]);
  let core;
  if (form === 'pt') core = `${rng.pick(PLACE)} ${rng.pick(TRADE)}`;
  else if (form === 'p') core = `${rng.pick(PLACE)}${rng.pick(['huset', 'gruppen', 'tech', 'partner', 'invest', 'bygg'])}`;
  else if (form === 'lt') core = `${rng.pick(LAST)} ${rng.pick(TRADE)}`;
  else core = `${rng.pick(PLACE)} ${rng.pick(PLACE)}`;
  return core + rng.weighted(COMPANY_SUFFIX);
}

function phone(rng) {
  const d = (k) => Array.from({ length: k }, () => rng.int(0, 9)).join('');
  const first = rng.pick(['4', '9']);
  return rng.weighted([
    [60, () => `+47 ${first}${d(2)} ${d(2)} ${d(3)}`],
    [25, () => `${first}${d(2)} ${d(2)} ${d(3)}`],
    [15, () => `+47 ${rng.pick(['2', '3', '5', '6', '7'])}${d(1)} ${d(2)} ${d(2)} ${d(2)}`],
  ])();
}

function title(rng, nb) {
  const offer = rng.pick(nb ? OFFER_NB : OFFER_EN);
  const extras = nb ? EXTRA_NB : EXTRA_EN;
  // Extras 3 and 4 both say where: never both, and never one kind twice.
  const group = (i) => (i === 4 ? 3 : i);
  const first = rng.int(0, extras.length - 1);
  let t = offer + extras[first]();
  if (t.length < 34) {
    let second;
    do second = rng.int(0, extras.length - 1);
    while (group(second) === group(first));
    t += extras[second]();
  }
  return t;
}

function amountMinor(rng) {
  // Log-uniform-ish between 8 000 and 2 500 000 kr, rounded as people do.
  const major = Math.exp(Math.log(8_000) + rng.next() * (Math.log(2_500_000) - Math.log(8_000)));
  const step = major > 500_000 ? 10_000 : major > 50_000 ? 1_000 : 500;
  const rounded = Math.max(step, Math.round(major / step) * step);
  const ore = rng.chance(0.08) ? rng.pick([50, 75, 90]) : 0;
  return rounded * 100 + ore;
}

/**
 * A backup object with `n` deals, the same for the same (n, seed, options).
 *
 * Options (none by default; without them the output is what it always was, byte for byte):
 * - `oneStage: true`: every deal is open and has never moved from the first stage, so one
 *   column holds all `n` cards (the board's worst case, for a scrolling benchmark). The
 *   deals are otherwise as realistic as the default ones (same text, edits and ranks).
 */
export function generateBackup(n, seed = 1, options = {}) {
  const oneStage = Boolean(options.oneStage);
  const rng = makeRng(`pipewright:${seed}`);
  r = rng.next;
  const newId = idMaker(rng);
  const pipelineId = newId();
  const stages = STAGES.map(([name, guidance, probability, rot_days]) => ({ id: newId(), name, guidance, probability, rot_days }));
  const pipeline = {
    id: pipelineId,
    name: 'Nysalg',
    currency: 'NOK',
    stages,
    created_at: '', // set below: before the first deal
  };

  // A pool of organisations, each with a couple of contacts, so that names repeat as they
  // do in a real pipeline.
  const orgs = Array.from({ length: Math.max(8, Math.ceil(n / 3)) }, () => {
    const name = company(rng);
    const domain = `${ascii(name.replace(/ (AS|ASA|Group|Gruppen AS|& Co AS|Norge AS|Holding AS)$/, ''))}.${rng.weighted([[80, 'no'], [12, 'com'], [8, 'as']])}`;
    const people = Array.from({ length: rng.int(1, 3) }, () => {
      const first = rng.pick(FIRST);
      const last = rng.pick(LAST);
      const local = rng.weighted([[35, `${ascii(first)}.${ascii(last)}`], [45, ascii(first)], [20, `${ascii(first)[0]}${ascii(last)}`]]);
      return { name: `${first} ${last}`, email: `${local}@${domain}`, phone: phone(rng) };
    });
    return { name, people };
  });

  const deals = [];
  for (let i = 0; i < n; i++) {
    const nb = rng.chance(0.7);
    const org = rng.pick(orgs);
    const person = rng.pick(org.people);
    // Four moves after creation: mostly forward, now and then one step back.
    let idx = 0;
    const path = [0];
    for (let m = 0; m < 4; m++) {
      let to;
      if (idx > 0 && rng.chance(0.2)) to = idx - 1;
      else if (idx < STAGES.length - 1) to = Math.min(STAGES.length - 1, idx + (rng.chance(0.15) ? 2 : 1));
      else to = idx - 1;
      path.push(to);
      idx = to;
    }
    // Gaps between events first, then the creation time, so that the last change falls
    // before the export: a deal created 20 to 400 days ago, a few days in each stage.
    const moveGaps = [1, 2, 3, 4].map(() => rng.int(1, 12) * DAY + rng.int(60_000, 40_000_000));
    const drawn = rng.weighted([[62, 'open'], [22, 'won'], [16, 'lost']]);
    // oneStage: the same draws are made (so the text matches the default run's), but the
    // deal stays open where it was made.
    const status = oneStage ? 'open' : drawn;
    if (oneStage) {
      path.length = 1;
      idx = 0;
    }
    const closeGap = status === 'open' ? 0 : rng.int(1, 20) * DAY + rng.int(60_000, 40_000_000);
    const edits = rng.weighted([[40, 0], [30, 1], [15, 2], [10, 3], [5, 6]]);
    const editGaps = Array.from({ length: edits }, () => rng.int(0, 3) * DAY + rng.int(1000, 20_000_000));
    const span = [...moveGaps, closeGap, ...editGaps].reduce((a, b) => a + b, 0);
    const created = NOW_MS - span - rng.int(1, 360) * DAY - rng.int(0, 86_399_999);
    let t = created;
    const history = path.map((stageIdx, k) => {
      if (k > 0) t += moveGaps[k - 1];
      return { from: k === 0 ? null : stages[path[k - 1]].id, to: stages[stageIdx].id, at: stamp(t) };
    });
    let statusObj = { kind: 'open' };
    let rev = 1 + (path.length - 1); // made, then four moves (none with oneStage)
    if (status !== 'open') {
      t += closeGap;
      rev += 1;
      statusObj = status === 'won'
        ? { kind: 'won', at: stamp(t) }
        : { kind: 'lost', at: stamp(t), reason: rng.pick(LOST_REASONS), note: rng.pick(nb ? LOST_NOTE_NB : LOST_NOTE_EN) };
    }
    rev += edits;
    const updated = editGaps.reduce((a, b) => a + b, t);

    const notes = rng.chance(0.35)
      ? ''
      : rng.pick(nb ? NOTE_NB : NOTE_EN) + (rng.chance(0.1) ? ` ${rng.pick(nb ? NOTE_NB : NOTE_EN)}` : '');
    const hasDue = rng.chance(0.4);
    const next_step = {
      text: rng.chance(0.1) ? '' : rng.pick(nb ? NEXT_NB : NEXT_EN),
      due: hasDue ? dateOnly(updated + rng.int(1, 21) * DAY) : null,
    };
    const expected_close = rng.chance(0.55) ? dateOnly(created + rng.int(30, 200) * DAY) : null;

    deals.push({
      id: newId(),
      pipeline_id: pipelineId,
      stage_id: stages[idx].id,
      rank: 0, // set below, per column
      title: title(rng, nb),
      organisation: rng.chance(0.05) ? '' : org.name,
      contact: rng.chance(0.05) ? { name: '', email: '', phone: '' } : { ...person },
      amount: { minor: amountMinor(rng), currency: 'NOK' },
      expected_close,
      probability: rng.chance(0.12) ? rng.pick([5, 15, 30, 50, 60, 80]) : null,
      notes,
      next_step,
      created_at: stamp(created),
      updated_at: stamp(updated),
      status: statusObj,
      history,
      sample: false,
      rev,
    });
  }

  // Ranks: each column (open and closed deals of a stage) in order of entry into the stage,
  // RANK_STEP apart, with the odd midpoint left by a drag between two cards.
  const byStage = new Map(stages.map((s) => [s.id, []]));
  for (const d of deals) byStage.get(d.stage_id).push(d);
  for (const column of byStage.values()) {
    column.sort((a, b) => (a.history.at(-1).at < b.history.at(-1).at ? -1 : 1));
    let rank = 0;
    for (const d of column) {
      d.rank = rank;
      rank += rng.chance(0.1) ? RANK_STEP / 2 : RANK_STEP;
    }
  }

  const firstDeal = deals.reduce((min, d) => Math.min(min, Date.parse(d.created_at)), NOW_MS - 30 * DAY);
  pipeline.created_at = stamp(firstDeal - rng.int(1, 14) * DAY - rng.int(0, 86_399_999));

  return {
    format: 'pipewright-backup',
    version: 1,
    app_version: '0.1.0',
    exported_at: EXPORTED_AT,
    workspace: { pipelines: [pipeline], deals, lost_reasons: [...LOST_REASONS] },
  };
}

/** The units today's (v1) store spends on one deal: key + value, as the app writes them. */
export function storedUnits(deal) {
  const value = JSON.stringify({ format: 'pipewright-deal', version: 1, deal });
  return `pipewright.deal.${deal.id}`.length + value.length;
}

// ------------------------------------------------------------------ CLI

const isMain = (() => {
  try {
    return Boolean(process.argv[1]) && realpathSync(fileURLToPath(import.meta.url)) === realpathSync(process.argv[1]);
  } catch {
    return false;
  }
})();

if (isMain) {
  const oneStage = process.argv.includes('--one-stage');
  const args = process.argv.slice(2).filter((a) => a !== '--one-stage');
  const n = Number(args[0]);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write('usage: node e2e/gen/deals.mjs N [seed] [--one-stage] > file.json\n');
    process.exit(2);
  }
  const seed = args[1] ?? '1';
  const backup = oneStage ? generateBackup(n, seed, { oneStage }) : generateBackup(n, seed);
  process.stdout.write(JSON.stringify(backup, null, 2) + '\n');
}
