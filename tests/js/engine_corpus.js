// Runs the device's scoring engine (static/engine.js) over a corpus of cards written by
// tests/device_engine.rs with the server's answers, and prints what disagrees as JSON:
// { checked, mismatches: [...], ms_per_rescore }.
"use strict";
const fs = require("fs");
const path = require("path");
const engine = require(path.join(__dirname, "..", "..", "static", "engine.js"));

const corpus = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const near = (a, b) => (a === null || b === null ? a === b : Math.abs(a - b) < 1e-9);
const pairsOf = (problems) => problems.map((p) => p.problem + ":" + p.key).sort().join(",");

const mismatches = [];
function compare(index, where, device, server) {
  const same = typeof server === "number" || server === null ? near(device, server) : JSON.stringify(device) === JSON.stringify(server);
  if (!same) mismatches.push({ case: index, where, device, server });
}

corpus.cases.forEach((c, index) => {
  const checklist = corpus.checklists[c.checklist];
  const card = engine.rescore(checklist, c.subject, c.pairs);
  const e = c.expected;
  compare(index, "percent", card.percent, e.percent);
  compare(index, "passed", card.passed, e.passed);
  compare(index, "score", card.score, e.score);
  compare(index, "max_score", card.max_score, e.max_score);
  compare(index, "answered", card.answered, e.answered);
  compare(index, "applicable", card.applicable, e.applicable);
  compare(index, "unanswered", card.unanswered, e.unanswered);
  compare(index, "failed", card.failed, e.failed);
  compare(index, "critical_failures", card.critical_failures, e.critical_failures);
  compare(index, "form problems", card.formProblems.length, e.form_problems);
  compare(index, "context problems", pairsOf(card.contextProblems), pairsOf(e.context_problems));
  compare(index, "problems", pairsOf(card.problems), pairsOf(e.problems));
  e.items.forEach((item, i) => {
    const mine = card.items[i] || {};
    compare(index, "item " + item.key + " outcome", mine.outcome, item.outcome);
    compare(index, "item " + item.key + " points", mine.points, item.points);
    compare(index, "item " + item.key + " max", mine.max, item.max);
    compare(index, "item " + item.key + " cap", mine.cap === undefined ? null : mine.cap, item.cap);
  });
  e.sections.forEach((section, i) => {
    const mine = card.sections[i] || {};
    for (const field of ["score", "max", "percent", "answered", "applicable"]) {
      compare(index, "section " + section.key + " " + field, mine[field], section[field]);
    }
  });
});

// The time to rescore the largest card, as the form does on every tap.
const largest = corpus.cases.reduce((a, c) => (c.pairs.length > a.pairs.length ? c : a), corpus.cases[0]);
const rounds = 300;
const started = process.hrtime.bigint();
for (let i = 0; i < rounds; i++) engine.rescore(corpus.checklists[largest.checklist], largest.subject, largest.pairs);
const ms = Number(process.hrtime.bigint() - started) / 1e6 / rounds;

process.stdout.write(JSON.stringify({ checked: corpus.cases.length, mismatches: mismatches.slice(0, 20), mismatch_count: mismatches.length, ms_per_rescore: ms }));
