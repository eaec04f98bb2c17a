#!/bin/sh
# tests/ktap_check.sh - reads a log holding one KTAP version 1 document,
# nested as KUnit prints it (each suite a subtest indented 4 spaces:
# "KTAP version 1", "# Subtest: NAME", its plan and results, then
# "# NAME: pass:N fail:N skip:N total:N" and "ok N NAME" one level up), and
# checks its shape:
#   - at every level the results are numbered 1, 2, ... and as many as the plan;
#   - a subtest ends with a result line of its own name, "not ok" exactly
#     when one of its cases failed, "# SKIP" when every case was skipped;
#   - a subtest's counts line and the "# Totals:" line agree with the
#     test cases (the leaves: results that close no subtest);
#   - no carriage return anywhere, one document per log.
# Lines before "KTAP version 1", and lines that are not KTAP (the kernel's
# own messages, diagnostics), are let through at any indentation.
#
#   tests/ktap_check.sh [--kunit] [--fails] LOG
#     --kunit   KUnit's shape is required: every top-level result is a
#               suite (a subtest), bar failures that say why ("not ok 1
#               test=nosuchsuite # no such test suite"), and the document
#               ends with "# Totals:" (the kernel's boots)
#     --fails   also print every failed test case, "not ok SUITE.CASE"
#
# Prints one "LOG:LINE: what is wrong" per fault, then
# "results: pass=N fail=N skip=N" (test cases). Exit status 0 when the
# document is well formed (whether or not its tests passed), 1 when it is
# not, 2 on bad usage.
kunit=0
fails=0
while [ $# -gt 1 ]; do
	case $1 in
	--kunit) kunit=1 ;;
	--fails) fails=1 ;;
	*) break ;;
	esac
	shift
done
if [ $# -ne 1 ] || [ ! -r "$1" ]; then
	echo "usage: tests/ktap_check.sh [--kunit] [--fails] LOG (a readable file)" >&2
	exit 2
fi

exec awk -v logname="$1" -v kunit=$kunit -v show_fails=$fails '
function fault(msg) {
	nfaults++
	if (nfaults <= 20)
		print logname ":" NR ": " msg
}

# A new level d+1, opened by "KTAP version 1" or "# Subtest:".
function open_level(name) {
	d++
	plan[d] = -1; n[d] = 0; sname[d] = name
	lp[d] = 0; lf[d] = 0; ls[d] = 0      # test cases below this level
	cfail[d] = 0; cskip[d] = 0; cpass[d] = 0 # its own results
	stats[d] = ""
}

function check_plan(L, what) {
	if (plan[L] < 0)
		fault(what ": no plan (1..N)")
	else if (n[L] != plan[L])
		fault(what ": " n[L] " results for a plan of " plan[L])
}

function label(L) {
	return sname[L] == "" ? "subtest at depth " L : "subtest " sname[L]
}

# The result line "ok N NAME" at level d-1 closes level d.
function close_level(status, rname, directive,    L, want) {
	L = d
	check_plan(L, label(L))
	if (sname[L] != "" && sname[L] != rname)
		fault("result \"" rname "\" closes subtest " sname[L])
	if (cfail[L] && status == "ok")
		fault("suite " rname " reported ok but " cfail[L] " of its results failed")
	if (!cfail[L] && status == "not ok")
		fault("suite " rname " reported not ok but none of its results failed")
	if (status == "ok" && cskip[L] && !cpass[L] && directive !~ /^SKIP/)
		fault("suite " rname ": every case skipped but the suite has no # SKIP")
	if (directive ~ /^SKIP/ && cpass[L])
		fault("suite " rname " reported skipped but " cpass[L] " of its results passed")
	want = "pass:" lp[L] " fail:" lf[L] " skip:" ls[L] " total:" (lp[L] + lf[L] + ls[L])
	if (stats[L] == "")
		fault("suite " rname ": no \"# " rname ": pass:N fail:N skip:N total:N\" line")
	else if (stats[L] != want)
		fault("suite " rname ": counts line says " stats[L] ", its cases are " want)
	d--
	lp[d] += lp[L]; lf[d] += lf[L]; ls[d] += ls[L]
}

BEGIN { d = -1; started = 0; nfaults = 0; crs = 0; ntotals = 0; second_doc = 0 }

{
	line = $0
	if (index(line, "\r")) {
		if (!crs)
			fault("carriage return (the first; the log must be plain LF lines)")
		crs++
		gsub(/\r/, "", line)
	}
	ind = match(line, /[^ ]/) - 1
	if (ind < 0)
		next
	content = substr(line, ind + 1)
	lvl = int(ind / 4)
	structural = (ind % 4 == 0)

	if (content ~ /^KTAP version [0-9]+$/) kind = "header"
	else if (content ~ /^1\.\.[0-9]+/) kind = "plan"
	else if (content ~ /^(not )?ok [0-9]+( |$)/) kind = "result"
	else if (content ~ /^# Subtest: /) kind = "subtest"
	else if (content ~ /^# Totals: pass:[0-9]+ fail:[0-9]+ skip:[0-9]+ total:[0-9]+$/) kind = "totals"
	else if (content ~ /^# [^ :]+: pass:[0-9]+ fail:[0-9]+ skip:[0-9]+ total:[0-9]+$/) kind = "stats"
	else next
	if (!structural) {
		fault("KTAP line indented by " ind " spaces (not a multiple of 4)")
		next
	}

	if (!started) {
		if (kind == "header" && lvl == 0) {
			started = 1
			open_level("")
		}
		next
	}
	if (second_doc)
		next
	if (kind == "header" && lvl == 0) {
		fault("a second KTAP document in one log")
		second_doc = 1
		next
	}
	if (ntotals && kind != "totals") {
		fault("KTAP line after # Totals: " content)
		next
	}

	if (kind == "header") {
		if (lvl == d + 1)
			open_level("")
		else
			fault("\"KTAP version\" at depth " lvl " inside depth " d)
		next
	}
	if (kind == "subtest") {
		name = substr(content, 12)
		if (lvl == d && d > 0 && sname[d] == "" && n[d] == 0 && plan[d] < 0)
			sname[d] = name
		else if (lvl == d + 1)
			open_level(name)
		else
			fault("\"# Subtest: " name "\" at depth " lvl " inside depth " d)
		next
	}
	if (kind == "plan") {
		if (lvl != d)
			fault("plan at depth " lvl " inside depth " d)
		else if (plan[d] >= 0)
			fault("a second plan at depth " d)
		else if (n[d] > 0)
			fault("plan after " n[d] " results at depth " d)
		else
			plan[d] = substr(content, 4) + 0
		next
	}
	if (kind == "stats") {
		name = substr(content, 3)
		sub(/:.*/, "", name)
		s = content
		sub(/^# [^ :]+: /, "", s)
		if (lvl == d - 1 && name == sname[d])
			stats[d] = s
		else
			fault("counts line of " name " at depth " lvl ", outside its subtest")
		next
	}
	if (kind == "totals") {
		ntotals++
		if (lvl != 0 || d != 0)
			fault("# Totals inside an open subtest (depth " d ")")
		else if (ntotals > 1)
			fault("a second # Totals line")
		totals_line = content
		sub(/^# Totals: /, "", totals_line)
		next
	}

	# A result line: "ok N NAME # DIRECTIVE" or "not ok ...".
	status = content ~ /^not ok / ? "not ok" : "ok"
	rest = substr(content, length(status) + 2)
	num = rest
	sub(/ .*/, "", num)
	rname = substr(rest, length(num) + 2)
	directive = ""
	if ((p = index(rname, " # ")) > 0) {
		directive = substr(rname, p + 3)
		rname = substr(rname, 1, p - 1)
	}
	if (toupper(substr(directive, 1, 4)) == "SKIP")
		directive = "SKIP" substr(directive, 5)
	if (lvl > d) {
		fault("result \"" content "\" at depth " lvl ", deeper than any open subtest")
		next
	}
	while (d > lvl + 1) {
		fault(label(d) ": no result line (crashed or cut off?)")
		check_plan(d, label(d))
		d--
	}
	leaf = 1
	if (d == lvl + 1) {
		leaf = 0
		close_level(status, rname, directive)
	}
	n[d]++
	if (num + 0 != n[d])
		fault("result numbered " num ", expected " n[d] " at depth " d)
	if (status == "not ok") cfail[d]++
	else if (directive ~ /^SKIP/) cskip[d]++
	else cpass[d]++
	if (!leaf)
		next
	if (d == 0 && kunit && !(status == "not ok" && directive != ""))
		fault("top-level result \"" content "\" is no suite (no subtest before it)")
	if (status == "not ok") {
		lf[d]++
		if (show_fails) {
			path = ""
			for (L = 1; L <= d; L++)
				path = path sname[L] "."
			print "not ok " path rname
		}
	} else if (directive ~ /^SKIP/) {
		ls[d]++
	} else {
		lp[d]++
	}
}

END {
	if (!started) {
		fault("no \"KTAP version 1\" line")
	} else {
		while (d > 0) {
			fault(label(d) ": no result line after " n[d] " of " (plan[d] < 0 ? "?" : plan[d]) \
			      " results (crashed or cut off?)")
			lp[d - 1] += lp[d]; lf[d - 1] += lf[d]; ls[d - 1] += ls[d]
			d--
		}
		check_plan(0, "top level")
		want = "pass:" lp[0] " fail:" lf[0] " skip:" ls[0] " total:" (lp[0] + lf[0] + ls[0])
		if (ntotals == 0 && kunit)
			fault("no \"# Totals: pass:N fail:N skip:N total:N\" line")
		else if (ntotals && totals_line != want)
			fault("# Totals says " totals_line ", the test cases are " want)
	}
	if (crs > 1)
		print logname ": " crs " lines with a carriage return"
	if (nfaults > 20)
		print logname ": " nfaults - 20 " more faults"
	printf "results: pass=%d fail=%d skip=%d\n", lp[0], lf[0], ls[0]
	exit nfaults ? 1 : 0
}
' "$1"
