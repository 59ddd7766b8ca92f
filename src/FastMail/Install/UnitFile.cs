namespace FastMail.Install;

/// <summary>
/// The systemd unit `fastmail install` writes: Type=notify (the server sends READY=1 once it listens and WATCHDOG=1
/// while it is alive: see Hosting/SystemdNotifier), the unprivileged `fastmail` user with only CAP_NET_BIND_SERVICE
/// (ports 25, 110, 465, 587, 995, 80, 443), and sandboxing that a native-AOT .NET process tolerates.
/// </summary>
internal static class UnitFile
{
    /// <summary>systemd's stop timeout: the server's shutdown grace (in-flight DATA may finish) plus time to commit and close the store.</summary>
    public static TimeSpan StopTimeout(TimeSpan shutdownGrace) => shutdownGrace + TimeSpan.FromSeconds(20);

    public static string Render(string binaryPath, string configPath, string dataDirectory, string user, TimeSpan stopTimeout) => $"""
        # Written by `fastmail install`; the next `fastmail install` rewrites it.
        # Local changes belong in a drop-in: `systemctl edit fastmail`.
        [Unit]
        Description=FastMail mail server (SMTP, POP3, webmail)
        After=network-online.target
        Wants=network-online.target

        [Service]
        Type=notify
        NotifyAccess=main
        ExecStart={binaryPath} serve --config {configPath}
        ExecReload=/bin/kill -HUP $MAINPID
        Restart=on-failure
        RestartSec=2
        # The server sends WATCHDOG=1 every 15 s; a hung process is killed and restarted.
        WatchdogSec=30
        TimeoutStopSec={(int)Math.Ceiling(stopTimeout.TotalSeconds)}
        User={user}
        Group={user}
        UMask=0077
        LimitNOFILE=65536

        # Only what a mail server needs: bind ports below 1024, write its data directory.
        AmbientCapabilities=CAP_NET_BIND_SERVICE
        CapabilityBoundingSet=CAP_NET_BIND_SERVICE
        NoNewPrivileges=yes
        ProtectSystem=strict
        ReadWritePaths={dataDirectory}
        PrivateTmp=yes
        ProtectHome=yes
        PrivateDevices=yes
        ProtectKernelTunables=yes
        ProtectKernelModules=yes
        ProtectKernelLogs=yes
        ProtectControlGroups=yes
        ProtectClock=yes
        ProtectHostname=yes
        ProtectProc=invisible
        RestrictNamespaces=yes
        RestrictRealtime=yes
        RestrictSUIDSGID=yes
        LockPersonality=yes
        RemoveIPC=yes
        # AF_NETLINK: .NET reads network interfaces through it.
        RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
        SystemCallFilter=@system-service
        SystemCallArchitectures=native
        # A filtered call fails with EPERM instead of killing the server.
        SystemCallErrorNumber=EPERM

        [Install]
        WantedBy=multi-user.target

        """;
}
