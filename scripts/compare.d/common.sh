# Helpers shared by the scripts/compare parts.

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# cpu_ticks PID...: user+sys clock ticks (USER_HZ) of the processes and all their live descendants,
# plus cutime+cstime (children already reaped), read from /proc/<pid>/stat (proc(5)).
cpu_ticks() {
    local roots=" $* "
    # cat, not awk's own file list: a process that exits between the glob and the read must
    # not abort the measurement (mawk stops at the first unreadable file).
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v roots="$roots" '
        {
            pid = $1
            line = $0
            sub(/^[0-9]+ \(.*\) /, "", line)      # drop "pid (comm) "; comm may contain spaces
            split(line, f, " ")
            ppid[pid] = f[2]
            ticks[pid] = f[12] + f[13] + f[14] + f[15]
        }
        END {
            total = 0
            for (pid in ppid) {
                p = pid
                while (p > 1) {
                    if (index(roots, " " p " ")) { total += ticks[pid]; break }
                    p = ppid[p]
                    if (p == "") break
                }
            }
            print total
        }'
}

# count_maildir_messages DIR: messages delivered under a Maildir tree (new/ and cur/).
count_maildir_messages() {
    { find "$1" -type f \( -path '*/new/*' -o -path '*/cur/*' \) 2>/dev/null || true; } | wc -l
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
