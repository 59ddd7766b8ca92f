namespace FastMail.Install;

/// <summary>Reads user and group ids from ROOT/etc/passwd and ROOT/etc/group: the files useradd just wrote, also under --root where getpwnam would look at the host.</summary>
internal static class AccountFiles
{
    /// <summary>The numeric id (third field) of <paramref name="name"/> in etc/passwd or etc/group, or null.</summary>
    public static uint? FindId(InstallLayout layout, string file, string name)
    {
        var path = layout.OnDisk("/etc/" + file);
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (var line in File.ReadLines(path))
        {
            var fields = line.Split(':');
            if (fields.Length >= 3 && fields[0] == name && uint.TryParse(fields[2], out var id))
            {
                return id;
            }
        }

        return null;
    }
}
