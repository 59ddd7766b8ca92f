using FastMail.Install;

namespace FastMail.Cli;

/// <summary>`fastmail install` and `fastmail uninstall`: set the running binary up as a systemd service on the standard ports.</summary>
internal static class InstallCommand
{
    public const string Help = """
        Usage: sudo fastmail install [--domain example.org] [--hostname mail.example.org] [--root DIR]

        Installs this binary as a systemd service on the standard ports:
          /usr/local/bin/fastmail               this binary (a newer one replaces it: upgrade)
          /etc/fastmail/fastmail.json           the configuration, written only if absent (root:fastmail 0640)
          /var/lib/fastmail                     mail and accounts (fastmail:fastmail 0700)
          /etc/systemd/system/fastmail.service  Type=notify, user fastmail, CAP_NET_BIND_SERVICE only, sandboxed
        and the system user `fastmail`. With systemd running it runs daemon-reload and enable (and try-restart after an
        upgrade); it then prints the DNS records the domain needs. Running it again changes nothing but a newer binary.
          --domain D     primaryDomain of a new configuration
          --hostname H   hostName (SMTP greeting, MX target) of a new configuration
          --root DIR     install into DIR instead of / (an image, a chroot); systemctl is not run

        Usage: sudo fastmail uninstall [--root DIR]

        Stops and disables the service, removes the unit and the binary; keeps the configuration,
        the mail in /var/lib/fastmail and the fastmail user.
        """;

    public static int Install(Arguments args)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new UsageException("install and uninstall set up a systemd service: Linux only");
        }

        args.AllowOnly("domain", "hostname", "root");
        NoPositionals(args);
        var root = args.Option("root") ?? "";
        var source = Environment.ProcessPath ?? throw new IOException("cannot find the running binary (Environment.ProcessPath)");
        var options = new InstallOptions(root, source, args.Option("domain"), args.Option("hostname"), ManageService: root.Length == 0 && Systemd.IsRunning);
        return Installer.Run(options, Console.Out);
    }

    public static int Uninstall(Arguments args)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new UsageException("install and uninstall set up a systemd service: Linux only");
        }

        args.AllowOnly("root");
        NoPositionals(args);
        var root = args.Option("root") ?? "";
        return Uninstaller.Run(root, manageService: root.Length == 0 && Systemd.IsRunning, Console.Out);
    }

    private static void NoPositionals(Arguments args)
    {
        if (args.Positionals.Count > 1)
        {
            throw new UsageException($"unexpected argument '{args.Positionals[1]}'");
        }
    }
}
