namespace FastMail.Cli;

/// <summary>
/// A parsed command line: positional words and --options. `--name value` and `--name=value` both work;
/// options listed as flags take no value. `--set key=value` may repeat.
/// </summary>
internal sealed class Arguments
{
    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "help", "h", "clear", "password-stdin", "admin", "force" };

    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);

    public List<string> Positionals { get; } = [];

    public List<KeyValuePair<string, string>> Sets { get; } = [];

    public bool Help => _options.ContainsKey("help") || _options.ContainsKey("h");

    public static Arguments Parse(IReadOnlyList<string> args)
    {
        var result = new Arguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-")
            {
                result.Positionals.Add(arg);
                continue;
            }

            var name = arg.TrimStart('-');
            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (!Flags.Contains(name))
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"option --{name} needs a value");
                }

                value = args[++i];
            }

            if (name == "set")
            {
                var pair = value!.Split('=', 2);
                if (pair.Length != 2 || pair[0].Length == 0)
                {
                    throw new UsageException($"--set needs key=value, got '{value}'");
                }

                result.Sets.Add(new(pair[0], pair[1]));
                continue;
            }

            result._options[name] = value ?? "";
        }

        return result;
    }

    public string? Option(string name) => _options.GetValueOrDefault(name);

    public bool Has(string name) => _options.ContainsKey(name);

    /// <summary>Rejects options the command does not know, so a typo is an error, not a silent default.</summary>
    public void AllowOnly(params string[] names)
    {
        foreach (var name in _options.Keys)
        {
            if (name is not ("help" or "h") && Array.IndexOf(names, name) < 0)
            {
                throw new UsageException($"unknown option --{name}");
            }
        }
    }
}

/// <summary>Wrong usage of the command line: printed with a hint to --help, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
