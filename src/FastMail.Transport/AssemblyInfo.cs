namespace FastMail.Transport;
