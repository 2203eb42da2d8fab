"""bench/e2e_report.py: the figures, table, JSON and gnuplot SVG of bench/e2e (Volley vs Postfix).

figures() turns one run's raw measurements into its row; ratios() compares the rows with each
other and with the ceilings; print_table() prints them; write_plot() writes NAME.volley.dat,
NAME.postfix.dat and NAME.gp beside the SVG and runs gnuplot when it is installed.
Must never: start or stop an MTA, or write anywhere but the paths it is given.
"""
import os
import shutil
import subprocess


def rate(count, seconds):
    return round(count / seconds, 1) if count and seconds and seconds > 0 else None


def figures(messages, inject_s, sampler, cpu_s, peak_rss_kib, peak_pss_kib, finished, share):
    """One MTA's row. Delivery msgs/s = messages delivered / (last - first delivery), both times
    estimated to half a sampling interval (100 ms samples of the sink's count)."""
    first, last = sampler.delivery_window(messages)
    end = last if last is not None else (sampler.samples[-1][0] if sampler.samples else None)
    delivered = sampler.latest()
    window = (end - first) if first is not None and end is not None else 0
    return {
        "finished": finished, "messages": messages, "delivered": delivered,
        "inject_s": round(inject_s, 3) if inject_s else None,
        "injection_msgs_per_s": rate(messages, inject_s),
        "first_delivery_s": round(first, 3) if first is not None else None,
        "last_delivery_s": round(end, 3) if end is not None else None,
        "delivery_msgs_per_s": rate(delivered, window),
        # +-1 sampling interval on the window: below 20 intervals the rate is only a rough one.
        "delivery_window_s": round(window, 3),
        "delivery_rate_rough": window < 20 * sampler.interval,
        "end_to_end_msgs_per_s": rate(delivered, end),
        "cpu_s": round(cpu_s, 2),
        "cpu_s_per_1000": round(cpu_s * 1000 / delivered, 3) if delivered else None,
        "peak_rss_mib": round(peak_rss_kib / 1024, 1),
        "peak_pss_mib": round(peak_pss_kib / 1024, 1),
        "peak_processes": sampler.peak_processes,
        **share,  # machine_busy_pct, others_pct: % of all cores during this run
    }


def ratio(a, b, digits=2):
    return round(a / b, digits) if a and b else None


def ratios(volley, postfix, ceilings):
    out = {}
    if postfix:
        out["delivery_volley_over_postfix"] = ratio(volley["delivery_msgs_per_s"],
                                                    postfix["delivery_msgs_per_s"])
        # CPU efficiency: how many times less CPU Volley spends per message.
        out["cpu_efficiency_volley_over_postfix"] = ratio(postfix["cpu_s_per_1000"],
                                                          volley["cpu_s_per_1000"])
    out["delivery_volley_over_smtp_ceiling"] = ratio(volley["delivery_msgs_per_s"],
                                                     ceilings.get("smtp_source_msgs_per_s"), 3)
    if ceilings.get("dkim_signs_per_s"):
        out["delivery_volley_over_dkim_ceiling"] = ratio(volley["delivery_msgs_per_s"],
                                                         ceilings["dkim_signs_per_s"], 3)
        # The yardstick: the signing rate of the cores the sink left (openssl speed -multi
        # N signs on all N cores; the sink used sink_cpu_cores of them during Volley's run).
        cores = os.cpu_count() or 1
        sink_cores = min(volley.get("sink_cpu_cores") or 0.0, cores - 0.1)
        after_sink = ceilings["dkim_signs_per_s"] * (cores - sink_cores) / cores
        out["dkim_ceiling_after_sink_signs_per_s"] = round(after_sink, 1)
        out["delivery_volley_over_dkim_ceiling_after_sink"] = ratio(
            volley["delivery_msgs_per_s"], after_sink, 3)
    return out


def cell(value, suffix=""):
    return "-" if value is None else f"{value}{suffix}"


def print_table(report):
    config, ceilings, ratio_values = report["config"], report["ceilings"], report["ratios"]
    print(f"Volley vs Postfix: {config['messages']} messages x {config['size']} B, one RCPT each, "
          f"{config['domains']} domains, sink {config['sink']}, DKIM {config['dkim'] or 'off'}, "
          f"durable queues (fsync); load average {config['loadavg_at_start']} at start, "
          f"{config['loadavg_at_end']} at end")
    header = ("", "inject msg/s", "deliver msg/s", "end-to-end", "CPU s/1000", "peak RSS MiB",
              "peak PSS MiB", "procs", "others %")
    print("  " + "".join(f"{h:>14}" if i else f"{h:<9}" for i, h in enumerate(header)))
    for name in ("volley", "postfix"):
        row = report.get(name)
        if row is None:
            print(f"  {name:<9}{report.get(name + '_skipped', 'skipped')}")
            continue
        values = (row["injection_msgs_per_s"], row["delivery_msgs_per_s"],
                  row["end_to_end_msgs_per_s"], row["cpu_s_per_1000"], row["peak_rss_mib"],
                  row["peak_pss_mib"], row["peak_processes"], row["others_pct"])
        print(f"  {name:<9}" + "".join(f"{cell(v):>14}" for v in values)
              + ("" if row["finished"] else f"   NOT FINISHED ({row['delivered']} delivered)"))
        if row["delivery_rate_rough"]:
            print(f"  {'':<9}(delivery took {row['delivery_window_s']} s, 100 ms samples: a rough "
                  "rate; use more --messages)")
    if "delivery_volley_over_postfix" in ratio_values:
        times = lambda key: "-" if ratio_values[key] is None else f"x{ratio_values[key]}"  # noqa
        print(f"  Volley/Postfix: delivery {times('delivery_volley_over_postfix')}, "
              f"CPU efficiency {times('cpu_efficiency_volley_over_postfix')} "
              "(Postfix CPU per message / Volley's)")
    print(f"  ceiling: smtp-source -s 20 -d -> {config['sink']} "
          f"{cell(ceilings.get('smtp_source_msgs_per_s'))} msgs/s; Volley delivery/ceiling "
          f"{cell(ratio_values.get('delivery_volley_over_smtp_ceiling'))}")
    if ceilings.get("dkim_signs_per_s"):
        print(f"  ceiling: openssl speed -seconds 3 -multi 2 {ceilings['dkim_algorithm']} "
              f"{ceilings['dkim_signs_per_s']} signs/s; Volley delivery/ceiling "
              f"{cell(ratio_values.get('delivery_volley_over_dkim_ceiling'))}")
        volley = report.get("volley") or {}
        print(f"  ceiling after the sink: the sink used {cell(volley.get('sink_cpu_cores'))} "
              f"cores during Volley's run, leaving "
              f"{cell(ratio_values.get('dkim_ceiling_after_sink_signs_per_s'))} signs/s; Volley "
              f"delivery/that ceiling "
              f"{cell(ratio_values.get('delivery_volley_over_dkim_ceiling_after_sink'))}")


GNUPLOT = """\
set terminal svg size 900,520 dynamic background rgb 'white' font 'sans,12'
set output {svg!r}
set title {title!r}
set xlabel 'seconds since injection started'
set ylabel 'messages delivered (counted at the sink)'
set key left top
set grid
set format y '%.0f'
plot {plots}
"""


def write_plot(report, samples, svg_path):
    """Writes the .dat files and the .gp script; returns a note on what was (not) drawn."""
    base = os.path.splitext(os.path.abspath(svg_path))[0]
    plots = []
    for name in ("volley", "postfix"):
        if not samples.get(name):
            continue
        with open(f"{base}.{name}.dat", "w") as dat:
            dat.write(f"# seconds delivered ({name})\n")
            dat.writelines(f"{t:.3f} {n}\n" for t, n in samples[name])
        label = f"{name.capitalize()} ({cell(report[name]['delivery_msgs_per_s'])} msgs/s)"
        plots.append(f"'{base}.{name}.dat' using 1:2 with lines lw 2 title {label!r}")
    config = report["config"]
    title = (f"{config['messages']} messages x {config['size']} B to {config['sink']}, "
             f"DKIM {config['dkim'] or 'off'}")
    script = GNUPLOT.format(svg=os.path.abspath(svg_path), title=title, plots=", ".join(plots))
    with open(base + ".gp", "w") as gp:
        gp.write(script)
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        return (f"gnuplot is not installed (Debian: apt-get install gnuplot-nox); wrote {base}.gp "
                "and the .dat files: run `gnuplot " + base + ".gp` where it is")
    subprocess.run([gnuplot, base + ".gp"], check=True, capture_output=True, timeout=60)
    return f"wrote {svg_path} (gnuplot script {base}.gp)"
