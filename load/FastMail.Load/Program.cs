using FastMail.Load.Cli;
using FastMail.Load.Report;
using FastMail.Load.Scenarios;
using FastMail.Load.Simulations;

namespace FastMail.Load;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        LoadOptions options;
        try
        {
            options = ArgParser.Parse(args);
        }
        catch (ArgumentException e)
        {
            if (e.Message.Length > 0)
            {
                Console.Error.WriteLine($"error: {e.Message}");
            }
            Console.Error.WriteLine(ArgParser.Usage);
            return 2;
        }

        if (options.Scenario == "pop3-drain" && options.Concurrency > options.Users.Length)
        {
            // One POP3 session per maildrop (RFC 1939 8, the mailbox lock): more drainers than
            // users would only measure [IN-USE] refusals.
            Console.Error.WriteLine($"pop3-drain: concurrency {options.Concurrency} reduced to {options.Users.Length}, one session per user");
            options.Concurrency = options.Users.Length;
        }

        if (options.Scenario == "mixed" && options.Concurrency - WorkerFactory.MixedSenders(options) > options.Users.Length)
        {
            Console.Error.WriteLine("mixed: more drainers than --users; drainers sharing a mailbox may be refused with [IN-USE]");
        }

        if (options.Scenario == "connections" && options.ServerPids.Length == 0 && ListeningProcess.Find(options.Port) is { } listener)
        {
            // Memory per idle connection is the point of this scenario: find the server by its port.
            Console.Error.WriteLine($"connections: server pid {listener} (listening on port {options.Port})");
            options.ServerPids = [listener];
        }

        var probe = new ServerProbe(options.ServerPids);
        RunResult result;
        if (options.Scenario == "connections")
        {
            result = await new ConnectionsScenario(options, probe).RunAsync();
        }
        else
        {
            ISchedule schedule = options.Rate is { } rate
                ? new ConstantRate(rate, options.Concurrency, options.Count)
                : new ConstantConcurrency(options.Concurrency, options.Count);
            if (options.Scenario == "relay")
            {
                try
                {
                    result = await new RelayScenario(options, schedule, probe).RunAsync();
                }
                catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
                {
                    Console.Error.WriteLine($"relay: cannot listen on {options.Host}:{options.SinkPort} for the sink: {e.Message}");
                    return 2;
                }
            }
            else
            {
                result = await new Simulation(options, schedule, probe).RunAsync();
            }
        }

        Console.WriteLine(MarkdownReport.Render(result));
        if (options.WriteReport)
        {
            var directory = ReportWriter.Write(result, options.ReportsDirectory);
            Console.WriteLine($"report: {directory}");
        }
        Console.WriteLine(MarkdownReport.ResultLine(result));
        // relay: exit 1 unless every acknowledged message arrived exactly once, intact, so a script
        // cannot mistake a refusing or losing relay for a fast one.
        return result.Relay is { Clean: false } ? 1 : 0;
    }
}
