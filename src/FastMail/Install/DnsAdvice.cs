namespace FastMail.Install;

/// <summary>The DNS records a domain needs so that other servers deliver to this one and accept its mail, and how to check them.</summary>
internal static class DnsAdvice
{
    public static string Render(string domain, string hostName) => $"""
        DNS records for {domain} (at your DNS provider):
          {domain}.  MX   10 {hostName}.         mail for {domain} goes to this host
          {hostName}.  A    <this host's IPv4 address>
          {hostName}.  AAAA <this host's IPv6 address>   (only if it has one that accepts connections)
          {domain}.  TXT  "v=spf1 mx -all"       only your MX hosts send mail for {domain}
          _dmarc.{domain}.  TXT  "v=DMARC1; p=none; rua=mailto:postmaster@{domain}"   (optional: reports, then p=quarantine)
          reverse DNS (PTR) of the IP addresses -> {hostName} (ask your hosting provider)
        Check them:
          dig +short MX {domain}
          dig +short A {hostName}
          dig +short TXT {domain}
          dig +short TXT _dmarc.{domain}

        """;
}
