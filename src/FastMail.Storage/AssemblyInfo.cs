namespace FastMail.Storage;
