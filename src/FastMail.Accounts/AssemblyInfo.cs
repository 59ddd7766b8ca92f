namespace FastMail.Accounts;
