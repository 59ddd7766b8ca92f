namespace FastMail.Load.Protocol;

/// <summary>A protocol client connection that can say goodbye (SMTP or POP3 QUIT) before it is closed.</summary>
internal interface IClientConnection : IAsyncDisposable
{
    ValueTask QuitAsync(CancellationToken cancellationToken);

    /// <summary>Optionally QUITs, then always closes; a null connection is a no-op.</summary>
    static async ValueTask CloseAsync(IClientConnection? connection, bool quit, CancellationToken cancellationToken)
    {
        if (connection is null)
        {
            return;
        }

        try
        {
            if (quit)
            {
                await connection.QuitAsync(cancellationToken);
            }
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }
}
