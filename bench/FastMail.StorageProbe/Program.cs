using FastMail.StorageProbe;

// Usage (one mode per run; every mode prints one "RESULT ..." line per figure):
//   fill <dir> <count> [--crash] [--mailboxes N]
//                                  deliver <count> 1 KB messages over N mailboxes (default 1000; message i goes to
//                                   "user" + i % N) with 64 concurrent writers;
//                                   --crash exits right after the last ACK without closing (no final checkpoint)
//   open <dir> [--no-checkpoint]   time the store's open (recovery), then the process RSS / peak RSS / managed heap right
//                                   after open and after a forced full GC; --no-checkpoint deletes mail/kv first (the index is rebuilt from the log)
//   mailbox <dir> <count>          fill mailbox "big" to <count> messages, time a POP3 login server-side (open+count+sizes+ids, 3 rounds), append cost at 100 vs <count>
//   ack <dir>                      append one message, print "ACK <id>" once it is durable, then exit without closing
//   checksum                       throughput of FASTER's per-entry XOR checksum against 1 KB entries
return await Probe.RunAsync(args);
