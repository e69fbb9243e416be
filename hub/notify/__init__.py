"""Messages to the people who must act: an inbox in the portal, and deliveries to the channels
each person chose (e-mail, chat apps, push to the installed web app, or a plugin's channel),
through an outbox that never loses a message and never sends one twice."""
