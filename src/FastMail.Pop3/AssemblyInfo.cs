namespace FastMail.Pop3;
