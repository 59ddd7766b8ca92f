namespace FastMail.Configuration;

/// <summary>Invalid configuration or arguments: the message names the key and is printed as is before anything listens.</summary>
internal sealed class ConfigException(string message) : Exception(message);
