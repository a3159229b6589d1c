// Decorum's scoring engine on the device, so the live score, section progress, spending
// caps, conditions and "not answered yet" work with no network and agree with the
// server. It follows the server's rules line by line: reading the form's fields as
// src/domain/form.rs does, and context, conditions, limits and scores as
// src/domain/scoring.rs does. tests/device_engine.rs feeds both the same random cards
// and compares every figure; change the two together.
//
// The checklist is the server's JSON snapshot, with each measure item's input range
// filled in (`range`), so the units' default ranges live in one place: the server.
(function (root) {
  "use strict";

  var MAX_NOTE = 2000;

  // ---- Reading the form (src/domain/form.rs) ----

  // A decimal number as Rust's f64 parser reads it, finite only (no hex, no "inf").
  var DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  function parseNumber(raw) {
    var s = raw.replace(/,/g, ".");
    if (!DECIMAL.test(s)) return null;
    var n = parseFloat(s);
    return isFinite(n) ? n : null;
  }

  // An unsigned integer as Rust's parser reads it (a leading + allowed).
  function parseIndex(raw) {
    return /^\+?\d+$/.test(raw) ? Number(raw) : null;
  }

  function itemByKey(checklist, key) {
    for (var s = 0; s < checklist.sections.length; s++) {
      var items = checklist.sections[s].items;
      for (var i = 0; i < items.length; i++) if (items[i].key === key) return items[i];
    }
    return null;
  }

  function contextField(checklist, key) {
    var fields = checklist.context || [];
    for (var i = 0; i < fields.length; i++) if (fields[i].key === key) return fields[i];
    return null;
  }

  function eachItem(checklist, fn) {
    checklist.sections.forEach(function (section) {
      section.items.forEach(function (item) { fn(section, item); });
    });
  }

  function countProblem(value, min, max) {
    if (!isFinite(value) || value < min || value > max) return "out of range";
    if (value % 1 !== 0) return "not a whole number";
    return null;
  }

  function indexes(values) {
    var out = [];
    for (var i = 0; i < (values || []).length; i++) {
      var n = parseIndex(values[i].trim());
      if (n === null) return { error: "`" + values[i] + "` is not a step or phrase number" };
      if (out.indexOf(n) < 0) out.push(n);
    }
    out.sort(function (a, b) { return a - b; });
    return { ok: out };
  }

  function observedOrder(order, done) {
    if (order === null) return { ok: done.slice() };
    var seen = [];
    var parts = order.split(",");
    for (var i = 0; i < parts.length; i++) {
      var n = parseIndex(parts[i].trim());
      if (n === null) return { error: "`" + order + "` is not an order of steps" };
      seen.push(n);
    }
    var setOf = function (list) { return list.filter(function (v, i) { return list.indexOf(v) === i; }).sort(function (a, b) { return a - b; }).join(","); };
    return { ok: setOf(seen) === setOf(done) && seen.length === done.length ? seen : done.slice() };
  }

  // The form's [name, value] pairs → { context, answers, notes, problems }. Answers are
  // { kind: "pass" | "fail" | "na" | "scale" | "measure" | "heard" | "done" | "amount", value }.
  function parse(checklist, pairs) {
    var input = { context: {}, answers: {}, notes: {}, problems: [] };
    var fields = {};
    var order = [];
    pairs.forEach(function (pair) {
      var name = pair[0], dot = name.indexOf(".");
      if (dot < 0) return;
      var prefix = name.slice(0, dot), key = name.slice(dot + 1);
      if (["a", "na", "h", "s", "o", "n"].indexOf(prefix) >= 0) {
        if (!itemByKey(checklist, key)) { input.problems.push("unknown item `" + key + "`"); return; }
      } else if (prefix === "ctx") {
        if (!contextField(checklist, key)) { input.problems.push("unknown context field `" + key + "`"); return; }
      } else {
        return;
      }
      var id = prefix + "\u0000" + key;
      if (!fields[id]) { fields[id] = []; order.push([prefix, key]); }
      fields[id].push(pair[1]);
    });
    order.forEach(function (pk) {
      var values = fields[pk[0] + "\u0000" + pk[1]];
      if (values.length > 1 && pk[0] !== "h" && pk[0] !== "s") {
        input.problems.push((pk[0] === "ctx" ? "context field" : "item") + " `" + pk[1] + "`: answered " + values.length + " times");
      }
    });
    function all(prefix, key) { return fields[prefix + "\u0000" + key] || null; }
    function one(prefix, key) {
      var values = all(prefix, key);
      if (!values || !(values.length === 1 || prefix === "h" || prefix === "s")) return null;
      var v = values[values.length - 1].trim();
      return v === "" ? null : v;
    }

    (checklist.context || []).forEach(function (field) {
      var raw = one("ctx", field.key);
      if (raw === null) return;
      if (field.kind === "choice") {
        input.context[field.key] = raw;
      } else {
        var n = parseNumber(raw);
        if (n === null) { input.problems.push("context `" + field.key + "`: `" + raw + "` is not a number"); return; }
        var problem = countProblem(n, field.min, field.max);
        if (problem) input.problems.push("context `" + field.key + "`: " + problem);
        else input.context[field.key] = n;
      }
    });

    eachItem(checklist, function (section, item) {
      var key = item.key;
      var note = one("n", key);
      if (note !== null) {
        if (Array.from(note).length > MAX_NOTE) input.problems.push("item `" + key + "`: the note is too long");
        else input.notes[key] = note;
      }
      var na = one("na", key);
      var markedNa = na === "1" || na === "on";
      var a = one("a", key);
      var answer = null;
      var type = item.kind.type;
      if (a === "na" || markedNa) {
        answer = { ok: { kind: "na" } };
      } else if (type === "check") {
        if (a !== null) answer = a === "pass" || a === "fail" ? { ok: { kind: a } } : { error: "`" + a + "` is not pass, fail or na" };
      } else if (type === "scale") {
        if (a !== null) {
          var point = parseIndex(a);
          answer = point !== null && point <= 4294967295 ? { ok: { kind: "scale", value: point } } : { error: "`" + a + "` is not a point on the scale" };
        }
      } else if (type === "measure" || type === "limit") {
        if (a !== null) {
          var n = parseNumber(a);
          answer = n !== null ? { ok: { kind: type === "measure" ? "measure" : "amount", value: n } } : { error: "`" + a + "` is not a number" };
        }
      } else if (type === "script" || type === "steps") {
        var ticks = indexes(all(type === "script" ? "h" : "s", key));
        if (ticks.error) answer = ticks;
        else if (ticks.ok.length > 0) {
          if (type === "script") answer = { ok: { kind: "heard", value: ticks.ok } };
          else {
            var seen = observedOrder(one("o", key), ticks.ok);
            answer = seen.error ? seen : { ok: { kind: "done", value: seen.ok } };
          }
        } else if (a === "none") {
          answer = { ok: { kind: type === "script" ? "heard" : "done", value: [] } };
        }
      }
      if (answer && answer.ok) input.answers[key] = answer.ok;
      else if (answer && answer.error) input.problems.push("item `" + key + "`: " + answer.error);
    });
    return input;
  }

  // ---- Context and conditions (src/domain/scoring.rs) ----

  function sameValue(a, b) { return typeof a === typeof b && a === b; }

  function resolveContext(checklist, given) {
    var resolved = {}, problems = [];
    Object.keys(given).forEach(function (key) {
      if (!contextField(checklist, key)) problems.push({ problem: "unknown_context", key: key });
    });
    (checklist.context || []).forEach(function (field) {
      var has = Object.prototype.hasOwnProperty.call(given, field.key);
      var v = given[field.key];
      if (field.kind === "choice" && has) {
        var ok = typeof v === "string" && field.options.some(function (o) { return o.value === v; });
        if (ok) resolved[field.key] = v; else problems.push({ problem: "bad_context", key: field.key });
      } else if (field.kind === "number" && has) {
        if (typeof v === "number" && countProblem(v, field.min, field.max) === null) resolved[field.key] = v;
        else problems.push({ problem: "bad_context", key: field.key });
      } else if (field.default !== undefined && field.default !== null) {
        resolved[field.key] = field.default;
      } else {
        problems.push({ problem: "missing_context", key: field.key });
      }
    });
    return { context: resolved, problems: problems };
  }

  function holds(test, value) {
    if (value === undefined || value === null) return false;
    if (test.is !== undefined) return sameValue(value, test.is);
    if (test["in"] !== undefined) return test["in"].some(function (v) { return sameValue(value, v); });
    if (test.range !== undefined) {
      var r = test.range;
      return typeof value === "number" && (r.min === undefined || value >= r.min) && (r.max === undefined || value <= r.max);
    }
    return false;
  }

  function applies(item, subject, context) {
    return (item.when || []).every(function (condition) {
      var on = condition.field.on, value;
      if (on === "subject_gender") value = subject.gender;
      else if (on === "subject_position") value = subject.position;
      else value = context[condition.field.key];
      return holds(condition.test, value);
    });
  }

  function cap(rule, context) {
    var option = context[rule.by];
    if (typeof option !== "string" || !Object.prototype.hasOwnProperty.call(rule.base, option)) return null;
    var base = rule.base[option];
    if (!rule.per) return base;
    var count = context[rule.per];
    if (typeof count !== "number") return null;
    var extraUnits = Math.max(count - (rule.above || 0), 0);
    var extra = rule.extra && Object.prototype.hasOwnProperty.call(rule.extra, option) ? rule.extra[option] : 0;
    return base + extraUnits * extra;
  }

  function bounds(allowed) {
    if (allowed.target !== undefined && allowed.tolerance !== undefined) {
      return [allowed.target - allowed.tolerance, allowed.target + allowed.tolerance];
    }
    return [allowed.min, allowed.max];
  }

  function distinct(list, len, what) {
    var seen = [];
    for (var i = 0; i < list.length; i++) {
      if (list[i] >= len) return "there is no " + what + " " + (list[i] + 1);
      if (seen[list[i]]) return what + " " + (list[i] + 1) + " is listed twice";
      seen[list[i]] = true;
    }
    return null;
  }

  // The longest run of steps done in the right order (patience sorting).
  function longestInOrderRun(done) {
    var tails = [];
    done.forEach(function (step) {
      var lo = 0, hi = tails.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (tails[mid] < step) lo = mid + 1; else hi = mid; }
      if (lo === tails.length) tails.push(step); else tails[lo] = step;
    });
    return tails.length;
  }

  // { fraction, passed }, { na: true }, or { error }.
  function judge(item, itemCap, answer) {
    var kind = item.kind;
    var allOrNothing = function (ok) { return { fraction: ok ? 1 : 0, passed: ok }; };
    if (answer.kind === "na") return item.na ? { na: true } : { error: "n/a not allowed" };
    if (kind.type === "check" && (answer.kind === "pass" || answer.kind === "fail")) return allOrNothing(answer.kind === "pass");
    if (kind.type === "scale" && answer.kind === "scale") {
      if (answer.value > kind.max) return { error: "above the scale" };
      return { fraction: answer.value / kind.max, passed: answer.value >= kind.pass_at };
    }
    if (kind.type === "measure" && answer.kind === "measure") {
      var v = answer.value;
      if (!isFinite(v)) return { error: "not usable" };
      if (kind.range && (v < kind.range[0] || v > kind.range[1])) return { error: "out of range" };
      var b = bounds(kind.allowed);
      return allOrNothing((b[0] === undefined || v >= b[0]) && (b[1] === undefined || v <= b[1]));
    }
    if (kind.type === "script" && answer.kind === "heard") {
      var badHeard = distinct(answer.value, kind.phrases.length, "phrase");
      if (badHeard) return { error: badHeard };
      return { fraction: answer.value.length / kind.phrases.length, passed: answer.value.length >= kind.pass_at };
    }
    if (kind.type === "steps" && answer.kind === "done") {
      var badDone = distinct(answer.value, kind.steps.length, "step");
      if (badDone) return { error: badDone };
      var counted = kind.in_order ? longestInOrderRun(answer.value) : answer.value.length;
      return { fraction: counted / kind.steps.length, passed: counted >= kind.pass_at };
    }
    if (kind.type === "limit" && answer.kind === "amount") {
      var amount = answer.value;
      if (!isFinite(amount) || Math.abs(amount) >= 1e9) return { error: "out of range" };
      if (amount < 0) return { error: "negative" };
      if (itemCap === null) return { error: "no cap" };
      return allOrNothing(amount <= itemCap + 1e-9);
    }
    return { error: "wrong kind of answer" };
  }

  function percentOf(score, max) { return Math.min(Math.max(score / max * 100, 0), 100); }

  // The scorecard: per item { key, section, outcome, points, max, cap }, per section
  // { key, score, max, percent, answered, applicable }, totals, and `percent` null until
  // an answer counts (a card with nothing scored never passes).
  function score(checklist, subject, context, answers) {
    var problems = [];
    Object.keys(answers).forEach(function (key) {
      if (!itemByKey(checklist, key)) problems.push({ problem: "unknown_item", key: key });
    });
    var items = [], sections = [], unanswered = [];
    checklist.sections.forEach(function (section) {
      var sum = { key: section.key, score: 0, max: 0, percent: null, answered: 0, applicable: 0 };
      section.items.forEach(function (item) {
        var itemCap = item.kind.type === "limit" ? cap(item.kind.limit, context) : null;
        var result = { key: item.key, section: section.key, outcome: "unanswered", points: 0, max: 0, cap: itemCap };
        if (!applies(item, subject, context)) {
          result.outcome = "excluded";
        } else if (Object.prototype.hasOwnProperty.call(answers, item.key)) {
          var verdict = judge(item, itemCap, answers[item.key]);
          if (verdict.error) problems.push({ problem: "bad_answer", key: item.key });
          else if (verdict.na) result.outcome = "not_applicable";
          else {
            result.max = item.weight;
            result.points = item.weight * verdict.fraction;
            result.outcome = verdict.passed ? "passed" : "failed";
          }
        }
        if (result.outcome !== "excluded") sum.applicable += 1;
        if (result.outcome === "unanswered" && item.required) unanswered.push(item.key);
        if (["not_applicable", "passed", "failed"].indexOf(result.outcome) >= 0) sum.answered += 1;
        sum.score += result.points;
        sum.max += result.max;
        items.push(result);
      });
      sum.percent = sum.max > 0 ? percentOf(sum.score, sum.max) : null;
      sections.push(sum);
    });
    var total = 0, max = 0;
    items.forEach(function (i) { total += i.points; max += i.max; });
    var percent = max > 0 ? percentOf(total, max) : null;
    var failed = items.filter(function (i) { return i.outcome === "failed"; }).map(function (i) { return i.key; });
    var critical = failed.filter(function (k) { var it = itemByKey(checklist, k); return it && it.critical; });
    return {
      items: items,
      sections: sections,
      score: total,
      max_score: max,
      percent: percent,
      passed: percent !== null && percent >= checklist.pass_mark && critical.length === 0,
      critical_failures: critical,
      failed: failed,
      unanswered: unanswered,
      answered: sections.reduce(function (a, s) { return a + s.answered; }, 0),
      applicable: sections.reduce(function (a, s) { return a + s.applicable; }, 0),
      problems: problems
    };
  }

  // Everything the form shows, from its fields: the parse, the context and the card.
  function rescore(checklist, subject, pairs) {
    var input = parse(checklist, pairs);
    var resolved = resolveContext(checklist, input.context);
    var card = score(checklist, subject, resolved.context, input.answers);
    card.formProblems = input.problems;
    card.contextProblems = resolved.problems;
    return card;
  }

  var api = { parse: parse, resolveContext: resolveContext, applies: applies, score: score, rescore: rescore };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.DecorumEngine = api;
})(this);
