using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FastMail.Load.Cli;

/// <summary>Hand-written parser of <c>--name value</c> pairs; the scenario may come first without a name.</summary>
internal static class ArgParser
{
    public const string Usage = """
        usage: FastMail.Load [--scenario] <smtp-send|pop3-drain|pop3-login|mixed|connections|idle|relay> [options]
          --host 127.0.0.1        loopback only; anything else is refused
          --port N                default 2525 for SMTP scenarios, 1110 for POP3 ones
          --pop3-port 1110        mixed: the POP3 port (--port is the SMTP one)
          --concurrency 16        closed model: workers; open model: cap on operations in flight;
                                  connections: how many idle connections to hold
          --duration 10s          measured time (after the warm-up)
          --warmup 2s             run but not counted
          --rate 500              open model: operations per second, latency measured from the intended start
          --count 1000000         hard cap on operations started
          --size 1k               generated message size (smtp-send, mixed)
          --recipients 1          RCPT TO per message
          --per-connection 1      messages per SMTP connection / RETRs per POP3 session (POP3 default: all)
          --pipelining            smtp-send, mixed: RFC 2920 groups (MAIL+RCPT×n+DATA in one write; the final "."
                                  and the next message's group in one write); the server must list PIPELINING
          --open-first            pop3-drain: every session logs in (USER/PASS, STAT, UIDL) before the clock starts,
                                  untimed; how long that took is reported as open_s (a login storm of --concurrency)
          --source-addresses N    bind client sockets to 127.0.0.1..127.0.0.N in rotation (64k ports each;
                                  connections/idle above 25,000 default to one address per 25,000)
          --connections N         connections/idle: connections to hold (same as --concurrency)
          --hold 20s              connections/idle: how long to hold them (same as --duration)
          --from a@d  --to u1@d,u2@d   envelope; recipients are used in rotation
          --users u1,u2 --password pw  POP3 logins; worker i uses user i mod count
          --server-pid PID[,PID]  sample CPU time (with descendants) and RSS of the server
          --no-verify             pop3-drain: skip the checksum check
          --timeout 30s           per protocol step
          --sink-port 2626        relay: the runner's sink, where the server must relay to (--port = --sink-port: direct)
          --messages N            same as --count
          --drain-timeout 60s     relay: wait this long after the last submission for the sink to have every message
                                  (relay defaults: --warmup 0s, --duration 10m; every message is counted)
          --label text            stored in the report
          --reports DIR           default load/reports; --no-report writes none
        """;

    private const int ConnectionsPerSource = 25_000;

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions { CommandLine = string.Join(' ', args) };
        int? port = null;
        var pop3Port = 1110;
        bool warmupGiven = false, durationGiven = false;
        var i = 0;
        if (args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal))
        {
            options.Scenario = args[0];
            i = 1;
        }
        for (; i < args.Length; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{name}'");
            }
            name = name[2..];
            switch (name)
            {
                case "no-verify": options.Verify = false; continue;
                case "no-report": options.WriteReport = false; continue;
                case "pipelining": options.Pipelining = true; continue;
                case "open-first": options.OpenFirst = true; continue;
                case "help": throw new ArgumentException("");
            }
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"--{name} needs a value");
            }
            var value = args[++i];
            switch (name)
            {
                case "scenario": options.Scenario = value; break;
                case "host": options.Host = ParseLoopback(value); break;
                case "port": port = ValueParsers.ParseInt(name, value, 1, 65535); break;
                case "pop3-port": pop3Port = ValueParsers.ParseInt(name, value, 1, 65535); break;
                case "concurrency" or "connections": options.Concurrency = ValueParsers.ParseInt(name, value, 1, 1_000_000); break;
                case "duration" or "hold": options.Duration = ValueParsers.ParseDuration(value); durationGiven = true; break;
                case "source-addresses": options.SourceAddresses = ValueParsers.ParseInt(name, value, 1, 254); break;
                case "warmup": options.Warmup = ValueParsers.ParseDuration(value); warmupGiven = true; break;
                case "rate": options.Rate = ParseRate(value); break;
                case "sink-port": options.SinkPort = ValueParsers.ParseInt(name, value, 1, 65535); break;
                case "drain-timeout": options.DrainTimeout = ValueParsers.ParseDuration(value); break;
                case "count" or "messages": options.Count = ValueParsers.ParseInt(name, value, 1, int.MaxValue); break;
                case "size": options.Size = ValueParsers.ParseSize(value); break;
                case "recipients": options.Recipients = ValueParsers.ParseInt(name, value, 1, 1000); break;
                case "per-connection": options.PerConnection = ValueParsers.ParseInt(name, value, 0, int.MaxValue); break;
                case "from": options.From = value; break;
                case "to": options.To = ValueParsers.ParseList(value); break;
                case "users": options.Users = ValueParsers.ParseList(value); break;
                case "password": options.Password = value; break;
                case "server-pid": options.ServerPids = ValueParsers.ParseList(value).Select(p => ValueParsers.ParseInt(name, p, 1, int.MaxValue)).ToArray(); break;
                case "timeout": options.Timeout = ValueParsers.ParseDuration(value); break;
                case "helo": options.HeloName = value; break;
                case "label": options.Label = value; break;
                case "reports": options.ReportsDirectory = value; break;
                default: throw new ArgumentException($"unknown option --{name}");
            }
        }
        if (options.Scenario == "idle")
        {
            // idle is the memory-per-connection name of the connections scenario; no warm-up unless asked.
            options.Scenario = "connections";
            options.HoldAfterOpen = true;
            if (!warmupGiven)
            {
                options.Warmup = TimeSpan.Zero;
            }
        }
        if (options.Scenario == "relay")
        {
            // The sink must account for every message, so none may be sent uncounted in a warm-up;
            // the run ends by --count (or --messages), so the time bound is only a safety net.
            if (warmupGiven && options.Warmup != TimeSpan.Zero)
            {
                throw new ArgumentException("relay counts every message: --warmup must be 0s");
            }
            options.Warmup = TimeSpan.Zero;
            if (!durationGiven)
            {
                options.Duration = TimeSpan.FromMinutes(10);
            }
        }
        Validate(options, port, pop3Port);
        if (options.Scenario == "connections" && options.SourceAddresses is null && options.Concurrency > ConnectionsPerSource
            && options.Host.Equals(IPAddress.Loopback))
        {
            // One source address has ~28k ephemeral ports by default (32768-60999) towards one server port.
            options.SourceAddresses = Math.Min(254, (options.Concurrency + ConnectionsPerSource - 1) / ConnectionsPerSource);
        }
        return options;
    }

    private static void Validate(LoadOptions options, int? port, int pop3Port)
    {
        var pop3 = options.Scenario is "pop3-drain" or "pop3-login";
        switch (options.Scenario)
        {
            case "smtp-send" or "pop3-drain" or "pop3-login" or "mixed" or "connections" or "relay": break;
            case "": throw new ArgumentException("no scenario given");
            default: throw new ArgumentException($"unknown scenario '{options.Scenario}'");
        }
        options.Port = port ?? (pop3 ? 1110 : 2525);
        options.Pop3Port = pop3 ? options.Port : pop3Port;
        if (options.Duration <= TimeSpan.Zero || options.Duration > TimeSpan.FromHours(1))
        {
            throw new ArgumentException("--duration must be in (0, 1h]: every run is bounded in time");
        }
        if (options.Scenario is "smtp-send" or "mixed" or "relay" && options.To.Length == 0)
        {
            throw new ArgumentException("--to is required for smtp-send, mixed and relay");
        }
        if (options.Scenario == "relay" && options.Recipients != 1)
        {
            // The sink counts arrivals per message id: a relay may split recipients over transactions.
            throw new ArgumentException("relay sends one recipient per message (--recipients 1)");
        }
        if (options.DrainTimeout <= TimeSpan.Zero || options.DrainTimeout > TimeSpan.FromHours(1))
        {
            throw new ArgumentException("--drain-timeout must be in (0, 1h]");
        }
        if (options.Scenario is "pop3-drain" or "pop3-login" or "mixed" && options.Users.Length == 0)
        {
            throw new ArgumentException("--users is required for POP3 scenarios");
        }
        if (options.Pipelining && options.Scenario is not ("smtp-send" or "mixed"))
        {
            throw new ArgumentException("--pipelining applies to smtp-send and mixed");
        }
        if (options.OpenFirst && options.Scenario != "pop3-drain")
        {
            throw new ArgumentException("--open-first applies to pop3-drain");
        }
        if (options.Scenario is not ("connections" or "smtp-send" or "mixed" or "pop3-drain" or "pop3-login") && options.SourceAddresses is not null)
        {
            throw new ArgumentException("--source-addresses applies to connections, smtp-send, mixed, pop3-drain and pop3-login");
        }
        if (options.SourceAddresses is not null && !options.Host.Equals(IPAddress.Loopback))
        {
            throw new ArgumentException("--source-addresses needs --host 127.0.0.1 (the sources are 127.0.0.x)");
        }
        if (options.Scenario != "connections" && options.Concurrency > 60000)
        {
            throw new ArgumentException("--concurrency above 60000 is only for connections/idle");
        }
        if (options.Scenario == "mixed" && options.Concurrency < 2)
        {
            throw new ArgumentException("mixed needs --concurrency of at least 2 (senders and drainers)");
        }
    }

    private static double ParseRate(string value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || rate <= 0 || rate > 1_000_000)
        {
            throw new ArgumentException($"--rate wants operations per second in (0, 1e6], got '{value}'");
        }
        return rate;
    }

    /// <summary>The runner generates real traffic: it may only ever target this machine.</summary>
    public static IPAddress ParseLoopback(string value)
    {
        IPAddress address;
        if (string.Equals(value, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(value, out address!))
        {
            throw new ArgumentException($"--host must be a loopback IP address, got '{value}'");
        }
        if (!IPAddress.IsLoopback(address) || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException($"refusing to target {address}: only loopback addresses (127.0.0.0/8, ::1) are allowed");
        }
        return address;
    }
}
