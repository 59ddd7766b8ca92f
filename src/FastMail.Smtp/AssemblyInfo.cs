namespace FastMail.Smtp;
