namespace FastMail.Migration;

/// <summary>An import or export that cannot start (unknown user, missing or unrecognised path): its message is shown as is.</summary>
internal sealed class MigrationException(string message) : Exception(message);
